/**
 * What the scheduler would make of rendered workloads: which nodes a pod
 * template may land on (node selector, required node affinity, taints and
 * tolerations, as the Kubernetes scheduler's NodeAffinity and
 * TaintToleration plugins decide), and what its pods request.
 */
import type { K8sObject } from "./releases";

/** A node as the scheduler sees it: its labels and taints (Kubernetes spelling). */
export interface NodeShape {
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Whether one toleration tolerates a taint (an empty key with Exists tolerates every taint). */
export function tolerates(t: Toleration, taint: NodeShape["taints"][number]): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === "Exists";
  if (t.key !== taint.key) return false;
  return t.operator === "Exists" || (t.value ?? "") === (taint.value ?? "");
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementHolds(r: Requirement, labels: Record<string, string>): boolean {
  const has = r.key in labels;
  const v = labels[r.key];
  switch (r.operator) {
    case "In":
      return has && (r.values ?? []).includes(v!);
    case "NotIn":
      return !has || !(r.values ?? []).includes(v!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
      return has && Number(v) > Number(r.values?.[0]);
    case "Lt":
      return has && Number(v) < Number(r.values?.[0]);
    default:
      throw new Error(`unknown node selector operator ${r.operator}`);
  }
}

/** Why a pod spec cannot run on a node, or [] when it can. */
export function unschedulableReasons(podSpec: K8sObject, node: NodeShape): string[] {
  const reasons: string[] = [];
  for (const [k, v] of Object.entries((podSpec.nodeSelector ?? {}) as Record<string, string>)) {
    if (node.labels[k] !== v) reasons.push(`nodeSelector ${k}=${v}: the node has ${k in node.labels ? `${k}=${node.labels[k]}` : `no ${k} label`}`);
  }
  const terms = (podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as {
    matchExpressions?: Requirement[];
  }[];
  if (terms.length && !terms.some((t) => (t.matchExpressions ?? []).every((r) => requirementHolds(r, node.labels)))) {
    reasons.push("required node affinity: no term matches the node's labels");
  }
  const tolerations = (podSpec.tolerations ?? []) as Toleration[];
  for (const taint of node.taints) {
    if ((taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerations.some((t) => tolerates(t, taint))) {
      reasons.push(`taint ${taint.key}=${taint.value ?? ""}:${taint.effect} is not tolerated`);
    }
  }
  return reasons;
}

/** CPU in millicores from a Kubernetes quantity ("100m", "0.5", "2"). */
export function cpuMillis(q: unknown): number {
  if (q === undefined || q === null) return 0;
  const s = String(q);
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

const BYTES: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** Memory in MiB from a Kubernetes quantity ("128Mi", "1Gi", "500M"). */
export function memoryMiB(q: unknown): number {
  if (q === undefined || q === null) return 0;
  const m = /^(\d+(?:\.\d+)?)([kMGT]i?)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${String(q)}`);
  return (Number(m[1]) * BYTES[m[2] ?? ""]!) / 1024 ** 2;
}

/** What one pod of a template requests: its containers' requests summed, or an init container's if larger (as the scheduler counts). */
export function podRequests(podSpec: K8sObject, extraContainers: { cpuMillis: number; memoryMiB: number }[] = []) {
  const req = (c: K8sObject) => ({ cpuMillis: cpuMillis(c.resources?.requests?.cpu), memoryMiB: memoryMiB(c.resources?.requests?.memory) });
  const containers = [...((podSpec.containers ?? []) as K8sObject[]).map(req), ...extraContainers];
  const sum = { cpuMillis: containers.reduce((s, c) => s + c.cpuMillis, 0), memoryMiB: containers.reduce((s, c) => s + c.memoryMiB, 0) };
  for (const init of ((podSpec.initContainers ?? []) as K8sObject[]).map(req)) {
    sum.cpuMillis = Math.max(sum.cpuMillis, init.cpuMillis);
    sum.memoryMiB = Math.max(sum.memoryMiB, init.memoryMiB);
  }
  return sum;
}

/** Whether Helm installs the object with the release (hooks such as `helm test` pods and install-time Jobs are not running workloads). */
export const isHook = (o: K8sObject) => o.metadata?.annotations?.["helm.sh/hook"] !== undefined;
