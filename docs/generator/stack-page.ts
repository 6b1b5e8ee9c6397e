/**
 * docs/stacks/<stack>.md: one planned stack as a page a new hire can read.
 * The architecture diagram, what the stage turned on and off and why, the
 * monthly cost (expected, worst case, idle GPU), the policy verdicts, and every
 * resource with one line on what it is for. Everything comes from the plan
 * (the real program under the mock engine) and is sorted, so the page only
 * changes when the stack does.
 */
import type { PlanRun, PlannedResource } from "../../plan/engine";
import { decisionsOf, groupByComponent, shortType } from "../../plan/report";
import type { CostReport } from "../../cost/model";
import { stagePolicyConfig } from "../../policies/evaluate";
import type { PolicyConfig, PolicyVerdicts, Verdict } from "../../policies/evaluate";
import { policies as packPolicies } from "../../policies/rules";
import { buildDiagram, renderMermaid, viewOf } from "./diagram";
import { cell, code, dollars, generatedBanner, money, plural, table } from "./markdown";
import { KINDS, kindName, purposeOf } from "./purposes";
import { helmChartName } from "../../lib/versions";

/** What a page is made from: the plan and the reports computed from it. */
export interface StackFacts {
  run: PlanRun;
  cost: CostReport;
  policy: PolicyVerdicts;
}

/** Resource types without a dictionary entry (or Helm charts without one), for the --check step. */
export function undescribedTypes(run: PlanRun): string[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const missing = new Set<string>();
  for (const r of run.resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const view = viewOf(r, byUrn);
    if (!purposeOf(view).known) missing.add(r.type === "kubernetes:helm.sh/v3:Release" ? `${r.type} (chart ${helmChartName(r.inputs.chart)})` : r.type);
  }
  return [...missing].sort();
}

const byTypeThenName = (a: PlannedResource, b: PlannedResource) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name);

function safeguards(r: PlannedResource): string {
  return [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean).join(", ");
}

function verdictRows(list: Verdict[], level: string): string[][] {
  return [...list]
    .sort((a, b) => a.policy.localeCompare(b.policy) || (a.resource ?? "").localeCompare(b.resource ?? "") || a.message.localeCompare(b.message))
    .map((v) => [level, code(v.policy), v.resource ? code(v.resource) : "(stack)", cell(v.message)]);
}

/**
 * A policy's enforcement level under a stage's config file, as the Pulumi CLI
 * reconciles it: the policy's own level, then `all`, then the policy's own
 * entry (a string, or an object's `enforcementLevel`); an entry without a
 * level keeps the one before it.
 */
export function levelUnder(policy: { name: string; enforcementLevel?: string }, config: PolicyConfig): string {
  let level = policy.enforcementLevel ?? "advisory";
  for (const entry of [config.all, config[policy.name]]) {
    if (typeof entry === "string") level = entry;
    else if (entry?.enforcementLevel) level = entry.enforcementLevel;
  }
  return level;
}

/** Every policy of the pack with its level at the stage and what it found on the stack. */
function allPoliciesTable(stage: string, policy: PolicyVerdicts): string {
  const config = stagePolicyConfig(stage);
  const found = new Map<string, number>();
  for (const v of [...policy.mandatory, ...policy.advisory]) found.set(v.policy, (found.get(v.policy) ?? 0) + 1);
  const rows = [...packPolicies]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => {
      const level = levelUnder(p, config);
      const n = found.get(p.name) ?? 0;
      return [code(p.name), level, level === "disabled" ? "not run" : n ? `**${plural(n, "finding")}**` : "passed", cell(p.description ?? "")];
    });
  return table(["policy", "level", "verdict", "what it checks"], rows);
}

/** The Mermaid block of a stack, fenced, with its legend. Also embedded in the README. */
export function diagramSection(run: PlanRun): string {
  return [
    "```mermaid",
    renderMermaid(buildDiagram(run)),
    "```",
    "",
    "Each box is a component of the program and each node a main kind of resource in it (×N: how many). " +
      "An arrow A → B: A uses B (its ID, endpoint, role or credentials), possibly through supporting resources " +
      "(IAM, tags, routes, S3 settings) that are counted in the box title but not drawn.",
  ].join("\n");
}

export function renderStackPage({ run, cost, policy }: StackFacts): string {
  const { spec } = run;
  const groups = groupByComponent(run);
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const costByUrn = new Map(cost.byResource.map((l) => [l.urn, l]));
  const unpriced = new Set(cost.unpriced.map((u) => u.urn));
  const cloudResources = groups.reduce((n, g) => n + [g.component, ...g.resources].filter((r) => r.custom).length, 0);
  const out: string[] = [];

  out.push(generatedBanner(`stacks/Pulumi.${run.stack}.yaml (the program planned under the mock engine)`));
  out.push("");
  out.push(`# Stack \`${run.stack}\``);
  out.push("");
  out.push(
    `**${spec.stageTitle}**. Environment \`${spec.environment}\` in \`${spec.region}\`; stateful resources ${spec.protectStatefulResources ? "protected (`protect` + `retainOnDelete`)" : "**not** protected"}.`,
  );
  out.push("");
  out.push(
    `Stack file [\`stacks/Pulumi.${run.stack}.yaml\`](../../stacks/Pulumi.${run.stack}.yaml), policy config [\`policies/config/${spec.stage}.json\`](../../policies/config/${spec.stage}.json). ` +
      `The same facts as text: \`npm run plan -- ${run.stack}\`.`,
  );
  out.push("");
  out.push(
    table(
      ["per month", "USD"],
      [
        ["expected (desired sizes, the stack's planning volumes)", money(cost.expectedMonthlyUsd)],
        ["**worst case** (every node group at its maximum, on demand)", `**${money(cost.worstCaseMonthlyUsd)}**`],
        ["GPU capacity paid for while idle", money(cost.idleGpuMonthlyUsd)],
      ],
      ["l", "r"],
    ),
  );
  out.push("");
  out.push(
    `${plural(cloudResources, "cloud or Kubernetes resource")} in ${plural(groups.length, "component")}; ` +
      `policy pack: ${plural(policy.mandatory.length, "mandatory violation")}, ${plural(policy.advisory.length, "advisory finding")}.`,
  );

  out.push("", "## Architecture", "", diagramSection(run));

  out.push("", "## What the stage turns on and off, and why", "");
  out.push(
    table(
      ["piece", "", "decided by", "why"],
      decisionsOf(run).map((d) => [
        d.piece,
        d.enabled ? "**on**" : "off",
        d.decidedBy === "stack" ? "the stack file" : `the ${spec.stage} preset`,
        cell(d.why),
      ]),
    ),
  );
  out.push("");
  out.push(
    "The presets and their reasons are in [`config/presets.ts`](../../config/presets.ts); see [the graduation guide](../stages.md) for how the stages differ.",
  );

  out.push("", "## Monthly cost", "");
  out.push(
    cost.priceTableAsOf
      ? `On-demand prices for \`${cost.region}\`, checked ${cost.priceTableAsOf}, 730 hours a month ([\`cost/\`](../../cost/)).`
      : `No price table for \`${cost.region}\`: every priced resource is listed as unpriced below.`,
  );
  out.push("");
  const componentOrder = new Map(groups.map((g, i) => [g.component.name, i]));
  const rows = [...cost.byComponent]
    .sort((a, b) => (componentOrder.get(a.component) ?? 1e9) - (componentOrder.get(b.component) ?? 1e9) || a.component.localeCompare(b.component))
    .map((c) => [code(c.component), money(c.expectedMonthlyUsd), money(c.worstCaseMonthlyUsd)]);
  rows.push(["**total**", `**${money(cost.expectedMonthlyUsd)}**`, `**${money(cost.worstCaseMonthlyUsd)}**`]);
  out.push(table(["component", "expected", "worst case"], rows, ["l", "r", "r"]));
  out.push("");
  out.push(`GPU capacity paid for while idle (GPU node group minimums): **${money(cost.idleGpuMonthlyUsd)}**/month.`);
  if (cost.unpriced.length) {
    out.push("", `Not priced, so **not** counted above (${cost.unpriced.length}):`, "");
    for (const u of [...cost.unpriced].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type)))
      out.push(`- ${code(u.name)} (${shortType(u.type)}): ${u.reason}`);
  }
  if (cost.usageBased.length) {
    out.push("", "Charged by use, on top of the figures above:", "");
    for (const u of [...cost.usageBased].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type)))
      out.push(`- ${code(u.name)} (${shortType(u.type)}): ${u.rate}`);
  }

  out.push("", "## Policy verdicts", "");
  out.push(
    `The policy pack \`${policy.pack}\` with \`${policy.config}\`, as \`pulumi preview --policy-pack policies --policy-pack-config ${policy.config}\` would run it: ` +
      `${plural(policy.mandatory.length, "mandatory violation")} (each would stop \`pulumi up\`), ${plural(policy.advisory.length, "advisory finding")}.`,
  );
  if (policy.mandatory.length || policy.advisory.length) {
    out.push("");
    out.push(
      table(["level", "policy", "resource", "finding"], [...verdictRows(policy.mandatory, "**mandatory**"), ...verdictRows(policy.advisory, "advisory")]),
    );
  }
  out.push("", `<details><summary>All ${packPolicies.length} policies of the pack, their level at the ${spec.stage} stage and their verdict</summary>`, "");
  out.push(allPoliciesTable(spec.stage, policy));
  out.push("", "</details>");

  out.push("", "## Resources", "");
  out.push(
    "Every resource the program declares, by component, with what it is for, its expected / worst-case monthly cost where it has one, and its safeguards " +
      "(`protect`: `pulumi destroy` refuses to delete it; `retainOnDelete`: removing it from the code leaves it in the account).",
  );
  for (const { component, resources } of groups) {
    const own = component.custom ? [component, ...resources] : resources;
    const componentPurpose = KINDS[component.type] && !component.custom ? purposeOf(viewOf(component, byUrn)).text : undefined;
    const nested = own.filter((r) => !r.custom).length;
    const counted = `${plural(own.length - nested, "resource")}${nested ? ` and ${plural(nested, "sub-component")}` : ""}`;
    out.push("", `### \`${component.name}\` (${kindName(component.type)}, ${counted})`, "");
    if (componentPurpose) out.push(`${componentPurpose}.`, "");
    const resourceRows = [...own].sort(byTypeThenName).map((r) => {
      const line = costByUrn.get(r.urn);
      const price = unpriced.has(r.urn)
        ? "unpriced"
        : line && (line.expectedMonthlyUsd > 0 || line.worstCaseMonthlyUsd > 0)
          ? line.expectedMonthlyUsd === line.worstCaseMonthlyUsd
            ? dollars(line.expectedMonthlyUsd)
            : `${dollars(line.expectedMonthlyUsd)} / ${dollars(line.worstCaseMonthlyUsd)}`
          : "";
      return [code(r.name), code(shortType(r.type)), cell(purposeOf(viewOf(r, byUrn)).text), price, safeguards(r)];
    });
    out.push(table(["resource", "type", "what it is for", "$/month", "safeguards"], resourceRows, ["l", "l", "l", "r", "l"]));
  }
  out.push("");
  return out.join("\n");
}
