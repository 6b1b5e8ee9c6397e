/**
 * docs/stages.md, the graduation guide POC -> MVP -> Series B. The reasons are
 * written here (a paraphrase of the stage roadmap, the same advice the presets
 * follow); everything else is computed from the plans of the shipped stacks:
 * which pieces each step turns on and why (the presets' own words), the
 * settings that change, the resources added, and the monthly cost before and
 * after. So the numbers cannot drift from the code: `npm run docs -- --check`
 * fails when they would.
 */
import { STAGE_TITLES } from "../../config/presets";
import { Stage } from "../../lib/stages";
import { declaredResources, decisionsOf, shortType } from "../../plan/report";
import { cell, code, dollars, generatedBanner, money, plural, signedDollars, signedMoney, table } from "./markdown";
import type { StackFacts } from "./stack-page";

interface Step {
  stage: Stage;
  /** The shipped stack that shows the stage (production environment). */
  stack: string;
  label: string;
  /** Stacks that join at this stage next to the main one. */
  alongside?: string[];
}

/** The graduation path, through the shipped production stacks. */
export const GRADUATION: Step[] = [
  { stage: "poc", stack: "poc", label: "POC" },
  { stage: "mvp", stack: "mvp", label: "MVP" },
  { stage: "seriesb", stack: "seriesb-prod", label: "Series B", alongside: ["seriesb-staging"] },
];

/** The stack whose diagram the README embeds. */
export const README_DIAGRAM_STACK = "seriesb-prod";

/** Why a company takes each step: the roadmap's advice in our words. */
const WHY: Record<Stage, string[]> = {
  poc: [
    "At seed stage the one job is to prove the technology works, with demos convincing enough for early adopters and investors. " +
      "The roadmap's advice is to optimise for development speed: train and test locally (or on one rented GPU machine), run predictions in a hand-built container, " +
      "and learn the best practices but ignore them until you have the problem they solve.",
    "So the POC preset puts in the cloud only what must not live on one laptop or in git: the data sets, the trained models and the prediction image. " +
      "No network, no database, no cluster: nothing that bills by the hour.",
  ],
  mvp: [
    "At MVP / Series A the product has early adopters and sales demos depend on it: it has to run in the cloud and stay up most of the time " +
      "(the roadmap's bar is roughly 95 %), though a short announced maintenance window is still acceptable.",
    "The roadmap's list for this stage is what the MVP preset turns on: a production environment on Kubernetes, basic security " +
      "(private subnets, a private API endpoint, a database reachable from inside the VPC only), and automatic backups of the most important client data " +
      "(the metadata database, with deletion protection and a final snapshot). " +
      "Scaling stays manual: the roadmap finds over-provisioning a little cheaper than investing in autoscaling this early, so the GPU pool is scaled by hand.",
  ],
  seriesb: [
    "At Series B there are paying customers who depend on the platform, perhaps under an SLA, and the roadmap asks for maturity: " +
      "automatic scaling to load, stronger security, staging (and dev) environments to test changes before production, backups whose restore is tested, " +
      "and external health monitoring, logs and dashboards.",
    "The Series B preset answers with the pieces listed below: every one is there because an outage or a breach now costs customers.",
  ],
};

/** Leaf settings of two objects that differ: `database.instanceClass: db.t4g.small -> db.m6g.large`. */
export function settingChanges(before: unknown, after: unknown, path = ""): { key: string; before: unknown; after: unknown }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => settingChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: path, before, after }];
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  if (Array.isArray(value) && value.every((v) => v !== null && typeof v === "object" && "name" in v)) {
    return value.length ? value.map((v) => (v as { name: string }).name).join(", ") : "[]";
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

/** Cloud and Kubernetes resources (not components) of a plan, counted by short type. */
function countsByType(f: StackFacts): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of declaredResources(f.run).filter((x) => x.custom)) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
  return counts;
}

/** A component's name without the stack's prefix: `mlp-prod-cluster` -> `cluster`. */
function pieceOf(component: string, f: StackFacts): string {
  const prefix = `${f.run.spec.namePrefix}-`;
  return component.startsWith(prefix) ? component.slice(prefix.length) : component;
}

function costRows(from: StackFacts, to: StackFacts): string[][] {
  const a = new Map(from.cost.byComponent.map((c) => [pieceOf(c.component, from), c]));
  const b = new Map(to.cost.byComponent.map((c) => [pieceOf(c.component, to), c]));
  const order = [...new Set([...to.cost.byComponent.map((c) => pieceOf(c.component, to)), ...a.keys()])];
  const rows = order.map((piece) => {
    const x = a.get(piece);
    const y = b.get(piece);
    const ex = x?.expectedMonthlyUsd ?? 0;
    const ey = y?.expectedMonthlyUsd ?? 0;
    const wx = x?.worstCaseMonthlyUsd ?? 0;
    const wy = y?.worstCaseMonthlyUsd ?? 0;
    return [piece, x ? money(ex) : "-", y ? money(ey) : "-", signedMoney(ey - ex), x ? money(wx) : "-", y ? money(wy) : "-", signedMoney(wy - wx)];
  });
  const { cost: c0 } = from;
  const { cost: c1 } = to;
  rows.push([
    "**total**",
    `**${money(c0.expectedMonthlyUsd)}**`,
    `**${money(c1.expectedMonthlyUsd)}**`,
    `**${signedMoney(c1.expectedMonthlyUsd - c0.expectedMonthlyUsd)}**`,
    `**${money(c0.worstCaseMonthlyUsd)}**`,
    `**${money(c1.worstCaseMonthlyUsd)}**`,
    `**${signedMoney(c1.worstCaseMonthlyUsd - c0.worstCaseMonthlyUsd)}**`,
  ]);
  return rows;
}

function commands(stack: string, next: Stage): string {
  const lines: [string, string][] = [
    [`npm run -s plan -- ${stack} --json > before.json`, "the plan today"],
    [`# in stacks/Pulumi.${stack}.yaml set  ml-platform:stage: ${next}`, ""],
    [`# (or: pulumi config set stage ${next} --stack ${stack}); keep ml-platform:environment`, ""],
    [`npm run plan -- ${stack}`, `offline: what ${next} deploys, its cost, the verdicts; fix any config error it names`],
    [`npm run -s plan -- ${stack} --json > after.json`, ""],
    ["npm run plan -- diff before.json after.json", "added, changed, removed; the monthly cost delta"],
    [`pulumi preview --diff --stack ${stack} --policy-pack policies --policy-pack-config policies/config/${next}.json`, ""],
    [`pulumi up --stack ${stack} --policy-pack policies --policy-pack-config policies/config/${next}.json`, ""],
  ];
  const width = Math.max(...lines.filter(([, c]) => c).map(([cmd]) => cmd.length)) + 2;
  return ["```bash", ...lines.map(([cmd, comment]) => (comment ? `${cmd.padEnd(width)}# ${comment}` : cmd)), "```"].join("\n");
}

function stepSection(fromStep: Step, toStep: Step, from: StackFacts, to: StackFacts): string {
  const out: string[] = [];
  const d0 = new Map(decisionsOf(from.run).map((d) => [d.piece, d]));
  const d1 = decisionsOf(to.run);
  out.push(`## ${fromStep.label} → ${toStep.label}`, "");
  out.push(`**${STAGE_TITLES[toStep.stage]}.**`, "");
  out.push("### Why", "");
  for (const p of WHY[toStep.stage]) out.push(p, "");

  out.push("### What it adds", "");
  out.push(
    `From the plans of the shipped stacks [\`${fromStep.stack}\`](stacks/${fromStep.stack}.md) and [\`${toStep.stack}\`](stacks/${toStep.stack}.md).`,
    "",
  );
  const turnedOn = d1.filter((d) => d.enabled && !d0.get(d.piece)?.enabled);
  const turnedOff = d1.filter((d) => !d.enabled && d0.get(d.piece)?.enabled);
  if (turnedOn.length) {
    out.push("Pieces it turns on, in the preset's words:", "");
    for (const d of turnedOn) out.push(`- **${d.piece}**: ${d.why}`);
    out.push("");
  }
  if (turnedOff.length) {
    out.push("Pieces it turns off:", "");
    for (const d of turnedOff) out.push(`- **${d.piece}**: ${d.why}`);
    out.push("");
  }
  const kept = d1.filter((d) => d.enabled && d0.get(d.piece)?.enabled);
  const changes = kept.flatMap((d) =>
    settingChanges(
      (from.run.spec as unknown as Record<string, { settings: unknown }>)[d.piece]!.settings,
      (to.run.spec as unknown as Record<string, { settings: unknown }>)[d.piece]!.settings,
      d.piece,
    ),
  );
  if (from.run.spec.protectStatefulResources !== to.run.spec.protectStatefulResources) {
    changes.unshift({ key: "protectStatefulResources", before: from.run.spec.protectStatefulResources, after: to.run.spec.protectStatefulResources });
  }
  if (changes.length) {
    out.push("Settings that change on pieces both stages deploy:", "");
    out.push(
      table(
        ["setting", fromStep.label, toStep.label],
        changes.map((c) => [code(c.key), cell(show(c.before)), cell(show(c.after))]),
      ),
    );
    out.push("");
    const upgraded = kept.filter((d) => changes.some((c) => c.key.startsWith(`${d.piece}.`)));
    if (upgraded.length) {
      out.push("Why, in the preset's words:", "");
      for (const d of upgraded) out.push(`- **${d.piece}**: ${d.why}`);
      out.push("");
    }
  }
  const c0 = countsByType(from);
  const c1 = countsByType(to);
  const typeRows = [...new Set([...c0.keys(), ...c1.keys()])]
    .sort()
    .filter((t) => (c0.get(t) ?? 0) !== (c1.get(t) ?? 0))
    .map((t) => [code(t), String(c0.get(t) ?? 0), String(c1.get(t) ?? 0)]);
  const n0 = [...c0.values()].reduce((a, b) => a + b, 0);
  const n1 = [...c1.values()].reduce((a, b) => a + b, 0);
  out.push(`Resources: ${n0} → ${n1} cloud and Kubernetes resources.`, "");
  if (typeRows.length) {
    out.push("<details><summary>Resource counts that change, by type</summary>", "");
    out.push(table(["type", fromStep.label, toStep.label], typeRows, ["l", "r", "r"]));
    out.push("", "</details>", "");
  }

  out.push("### What it costs", "");
  out.push(
    `Per month (${to.cost.region}, on-demand prices${to.cost.priceTableAsOf ? ` checked ${to.cost.priceTableAsOf}` : ""}): expected ${dollars(from.cost.expectedMonthlyUsd)} → ${dollars(to.cost.expectedMonthlyUsd)} ` +
      `(**${signedDollars(to.cost.expectedMonthlyUsd - from.cost.expectedMonthlyUsd)}**), worst case ${dollars(from.cost.worstCaseMonthlyUsd)} → ${dollars(to.cost.worstCaseMonthlyUsd)} ` +
      `(**${signedDollars(to.cost.worstCaseMonthlyUsd - from.cost.worstCaseMonthlyUsd)}**), GPUs paid for while idle ${dollars(from.cost.idleGpuMonthlyUsd)} → ${dollars(to.cost.idleGpuMonthlyUsd)}.`,
    "",
  );
  out.push(
    table(
      ["component", `${fromStep.label} expected`, `${toStep.label} expected`, "Δ", `${fromStep.label} worst`, `${toStep.label} worst`, "Δ"],
      costRows(from, to),
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");
  out.push(
    "Worst case = every node group at its maximum size, on demand: what a runaway autoscaler or a forgotten manual scale-up could cost. " +
      "The policy pack's budget and spend policies check it before `pulumi up`.",
    "",
  );

  out.push("### How to move a stack to the next stage", "");
  out.push(
    `Change the stage of the existing stack; do not create a new one. Resource names come from \`ml-platform:environment\` ` +
      `(\`${from.run.spec.namePrefix}-...\` for \`${fromStep.stack}\`), so keep it: a new name would replace the buckets and the database instead of upgrading them. ` +
      `For the \`${fromStep.stack}\` stack:`,
    "",
  );
  out.push(commands(fromStep.stack, toStep.stage), "");
  out.push(
    `The preview is the real check: it needs AWS credentials and runs the same policies as the offline plan with \`policies/config/${toStep.stage}.json\`. ` +
      "Read its `--diff` for replacements before `pulumi up`: a protected resource stops the update rather than being replaced. " +
      "Overrides in the stack file stay in force after the move; review them against the new preset (the plan prints which pieces the stack file, not the preset, decided).",
    "",
  );
  for (const extra of toStep.alongside ?? []) {
    out.push(
      `At this stage a second stack joins: [\`${extra}\`](stacks/${extra}.md) (\`stacks/Pulumi.${extra}.yaml\`, its own environment and VPC block). ` +
        `Create it with \`pulumi stack init ${extra}\`, then \`npm run plan -- ${extra}\` and \`pulumi up --stack ${extra} --policy-pack policies --policy-pack-config policies/config/${toStep.stage}.json\`.`,
      "",
    );
  }
  return out.join("\n");
}

export function renderStagesGuide(facts: Map<string, StackFacts>): string {
  const missing = GRADUATION.flatMap((s) => [s.stack, ...(s.alongside ?? [])]).filter((s) => !facts.has(s));
  if (missing.length)
    throw new Error(`docs/stages.md follows the shipped stacks ${GRADUATION.map((s) => s.stack).join(" -> ")}, but stacks/ lacks ${missing.join(", ")}`);
  const out: string[] = [];
  out.push(generatedBanner("the plans of the shipped stacks, config/presets.ts and docs/generator/stages.ts"));
  out.push("");
  out.push("# Graduating the platform: POC → MVP → Series B");
  out.push("");
  out.push(
    "The blueprint grows with the company. Each stage turns on only what solves a problem the company has at that stage, " +
      "following the stage roadmap the presets were written from: learn the best practices, then skip them until you have the problem they solve. " +
      "A stack moves to the next stage by changing one key, `ml-platform:stage`; its data stays.",
  );
  out.push("");
  out.push("## At a glance", "");
  const rows: string[][] = [];
  for (const step of GRADUATION) {
    for (const stack of [step.stack, ...(step.alongside ?? [])]) {
      const f = facts.get(stack)!;
      rows.push([
        stack === step.stack ? step.label : "",
        `[\`${stack}\`](stacks/${stack}.md)`,
        decisionsOf(f.run)
          .filter((d) => d.enabled)
          .map((d) => d.piece)
          .join(", "),
        String(declaredResources(f.run).filter((r) => r.custom).length),
        dollars(f.cost.expectedMonthlyUsd),
        dollars(f.cost.worstCaseMonthlyUsd),
        dollars(f.cost.idleGpuMonthlyUsd),
      ]);
    }
  }
  out.push(
    table(["stage", "stack", "pieces", "resources", "expected $/month", "worst case $/month", "idle GPU $/month"], rows, ["l", "l", "l", "r", "r", "r", "r"]),
  );
  out.push("");
  const first = facts.get(GRADUATION[0]!.stack)!;
  out.push(
    `Region ${first.cost.region}, on-demand prices${first.cost.priceTableAsOf ? ` checked ${first.cost.priceTableAsOf}` : ""}, 730 hours a month; the stack pages break each figure down.`,
    "",
  );
  out.push(`## ${GRADUATION[0]!.label}`, "");
  out.push(`**${STAGE_TITLES[GRADUATION[0]!.stage]}.**`, "");
  for (const p of WHY[GRADUATION[0]!.stage]) out.push(p, "");
  out.push(
    `It costs ${dollars(first.cost.expectedMonthlyUsd)} a month expected (${plural(declaredResources(first.run).filter((r) => r.custom).length, "resource")}); see [\`${GRADUATION[0]!.stack}\`](stacks/${GRADUATION[0]!.stack}.md).`,
    "",
  );
  for (let i = 1; i < GRADUATION.length; i++) {
    const from = GRADUATION[i - 1]!;
    const to = GRADUATION[i]!;
    out.push(stepSection(from, to, facts.get(from.stack)!, facts.get(to.stack)!));
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
