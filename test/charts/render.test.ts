/**
 * Every Helm release of every shipped stack and every fixture stack the
 * config checks accept, rendered for real: `helm template` on the vendored
 * archive (charts/), with exactly the values the plan passes, the cluster's
 * Kubernetes minor and the CRDs (test/support/releases.ts). Then:
 *
 * - every object validates (built-in kinds against the Kubernetes schemas,
 *   custom resources against the CRDs the charts ship);
 * - every values key path we set is one the chart has: Helm ignores the rest
 *   without a word;
 * - what we mean is in the manifests: the GPU DaemonSets run on the GPU node
 *   groups, the autoscaler discovers our node groups, Prometheus and
 *   Alertmanager keep what the stage says and alert our topics, every
 *   service account that calls AWS is bound to its IRSA role, every image is
 *   pinned;
 * - the system pool's capacity check counts at least what the charts
 *   request there.
 *
 * Each check is a function of the rendered objects; the "fails when" tests
 * feed it a broken copy and expect it to say what broke.
 */
import { parse } from "yaml";
import { chartOf } from "../../components/compute/addons/addon";
import { clusterAutoscalerImageTag, eksManagedAsgTags } from "../../components/compute/addons/cluster-autoscaler";
import { ADDONS } from "../../components/compute/addons/registry";
import type { SystemWorkload } from "../../components/compute/capacity";
import { GPU_TAINT, POOL_LABEL, kubernetesTaintEffect } from "../../components/compute/labels";
import { HEARTBEAT_RECEIVER, retentionSizeGb } from "../../components/monitoring/values";
import { SUPPORTED_KUBERNETES_VERSIONS, chartArchiveName } from "../../lib/versions";
import type { PlanRun } from "../../plan/engine";
import { ChartValues, chartValues, unknownValuePaths } from "../support/chart-values";
import { CrdSchemas, objectProblems } from "../support/k8s-schemas";
import { ofType } from "../support/plan";
import { NodeShape, cpuMillis, isHook, memoryMiB, podRequests, unschedulableReasons } from "../support/pods";
import { K8sObject, RenderedRelease, RenderedStack, distinctReleases, renderedStacks, stackLabel } from "../support/releases";

let stacks: RenderedStack[];
let releases: RenderedRelease[];
beforeAll(async () => {
  stacks = await renderedStacks();
  releases = distinctReleases(stacks);
});

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const named = (r: RenderedRelease, kind: string, name?: string) =>
  r.objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name) && !isHook(o));
const releasesOf = (s: RenderedStack, chart: string) => s.releases.filter((r) => r.chart === chart);
const withChart = (chart: string) => stacks.flatMap((s) => releasesOf(s, chart).map((r) => ({ s, r })));

// ------------------------------------------------------------ validation

describe("rendering", () => {
  it("renders every Helm release of every shipped stack and fixture: each add-on chart at least once", () => {
    const rendered = new Set(releases.map((r) => r.chart));
    const pinned = ADDONS.flatMap((a) => chartOf(a)?.chart ?? []);
    expect([...rendered].sort()).toEqual([...pinned].sort());
    for (const s of stacks) expect(s.releases.length).toBe(ofType(s.run, "kubernetes:helm.sh/v3:Release").length);
  });

  it("renders every add-on chart at every supported Kubernetes minor (helm --kube-version), so each chart's kubeVersion accepts both", () => {
    const pinned = ADDONS.flatMap((a) => chartOf(a)?.chart ?? []).sort();
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS)
      expect({ minor, charts: [...new Set(releases.filter((r) => r.kubeVersion === minor).map((r) => r.chart))].sort() }).toEqual({ minor, charts: pinned });
  });

  it("every release installs its chart from the vendored archive that is rendered here, not from a chart repository", () => {
    for (const s of stacks) {
      for (const r of s.releases) {
        const inputs = r.resource.inputs as K8sObject;
        expect({ chart: inputs.chart, repositoryOpts: inputs.repositoryOpts }).toEqual({ chart: `charts/${chartArchiveName(r)}`, repositoryOpts: undefined });
      }
    }
  });

  it("every rendered object validates: built-in kinds against the Kubernetes schemas, custom resources against the charts' CRDs", () => {
    const all = releases.flatMap((r) => r.objects.map((o) => ({ r, o })));
    const crds = new CrdSchemas(all.filter(({ o }) => o.kind === "CustomResourceDefinition").map(({ o }) => o));
    const invalid = all.flatMap(({ r, o }) => {
      const p = objectProblems(o, crds);
      return p.length ? [`${r.chart} (${r.stacks.join(", ")}): ${o.kind} ${o.metadata?.name}: ${p.slice(0, 3).join("; ")}`] : [];
    });
    const custom = all.filter(({ o }) => crds.has(o.apiVersion, o.kind)).length;
    // The summary a reader looks for; the assertion below is what fails.
    console.info(
      `${all.length} objects validated (${custom} custom resources against the charts' CRDs), ${invalid.length} invalid, from ${releases.length} distinct releases`,
    );
    expect(invalid).toEqual([]);
    expect(custom).toBeGreaterThan(5);
  });

  it("the validation fails on a wrong type, and on a field a CRD does not declare; a CRD's looser rule wins", () => {
    const all = releases.flatMap((r) => r.objects);
    const crds = new CrdSchemas(all.filter((o) => o.kind === "CustomResourceDefinition"));
    const prometheus = all.find((o) => o.kind === "Prometheus")!;
    const deployment = all.find((o) => o.kind === "Deployment")!;
    const typo = copy(prometheus);
    typo.spec.retension = typo.spec.retention;
    expect(objectProblems(typo, crds)).toEqual(["/spec must NOT have additional properties: retension"]);
    const wrongType = copy(deployment);
    wrongType.spec.replicas = "two";
    expect(objectProblems(wrongType, crds).join()).toMatch(/replicas must be integer/);
    // The volume claim template names no apiVersion or kind, which the CRD does not require.
    expect(prometheus.spec.storage.volumeClaimTemplate.apiVersion).toBeUndefined();
    expect(objectProblems(prometheus, crds)).toEqual([]);
  });
});

// ------------------------------------------------------------ values

/**
 * Maps a chart hands on whole, whose keys are ours to choose: the
 * autoscaler turns each `extraArgs` key into a `--key=value` flag
 * (templates/deployment.yaml ranges over it), and Alertmanager's `config` is
 * its own configuration file (checked with amtool in test/monitoring/).
 */
const FREE_FORM: Record<string, string[]> = {
  "cluster-autoscaler": ["extraArgs"],
  "kube-prometheus-stack": ["alertmanager.config"],
};

describe("no silent values", () => {
  it("every key path each release sets exists in its chart (values.yaml, subcharts', or read by a template)", () => {
    const unknown = releases.flatMap((r) =>
      unknownValuePaths(chartValues(r), r.values, FREE_FORM[r.chart]).map((p) => `${r.chart} ${r.version} (${r.stacks.join(", ")}): ${p}`),
    );
    expect(unknown).toEqual([]);
  });

  it("every key each add-on hands on whole does reach the manifests", () => {
    for (const { r } of withChart("cluster-autoscaler")) {
      const command = named(r, "Deployment")[0]!.spec.template.spec.containers[0].command as string[];
      for (const [k, v] of Object.entries(r.values.extraArgs as Record<string, unknown>)) expect(command).toContain(`--${k}=${String(v)}`);
    }
  });

  describe("fails when a values key is misspelled", () => {
    const broken = (chart: string, edit: (v: K8sObject) => void) => {
      const r = releases.find((x) => x.chart === chart)!;
      const values = copy(r.values);
      edit(values);
      return unknownValuePaths(chartValues(r) as ChartValues, values, FREE_FORM[chart]);
    };
    it("at the top of a chart", () => {
      expect(
        broken("metrics-server", (v) => {
          v.nodeSelecter = v.nodeSelector;
          delete v.nodeSelector;
        }),
      ).toEqual(["nodeSelecter: the chart has no such value"]);
    });
    it("deep in a chart", () => {
      expect(broken("kube-prometheus-stack", (v) => (v.prometheus.prometheusSpec.retension = "15d"))).toEqual([
        "prometheus.prometheusSpec.retension: the chart has no such value",
      ]);
    });
    it("in a subchart", () => {
      expect(broken("kube-prometheus-stack", (v) => (v["kube-state-metrics"].metricLabelAllowlist = []))).toEqual([
        "kube-state-metrics.metricLabelAllowlist: the chart has no such value",
      ]);
      expect(broken("kube-prometheus-stack", (v) => (v.grafana.sidecar.dashboards.searchNamespaces = "ALL"))).toEqual([
        "grafana.sidecar.dashboards.searchNamespaces: the chart has no such value",
      ]);
    });
    it("a map where the chart has a scalar", () => {
      expect(broken("dcgm-exporter", (v) => (v.serviceMonitor.interval = { seconds: 30 }))).toEqual([
        'serviceMonitor.interval: a map, where the chart\'s default is "15s"',
      ]);
    });
  });
});

// ------------------------------------------------------------ GPU nodes

/** Labels every node has from its kubelet, besides the node group's. */
const KUBELET_LABELS = { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" };

/** A plan's node groups as the scheduler sees their nodes. */
function nodeGroups(run: PlanRun): { name: string; gpu: boolean; node: NodeShape }[] {
  return ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => {
    const labels = (g.inputs.labels ?? {}) as Record<string, string>;
    const taints = ((g.inputs.taints ?? []) as { key: string; value?: string; effect: Parameters<typeof kubernetesTaintEffect>[0] }[]).map((t) => ({
      key: t.key,
      value: t.value,
      effect: kubernetesTaintEffect(t.effect),
    }));
    return { name: g.name, gpu: labels[POOL_LABEL] === "gpu", node: { labels: { ...KUBELET_LABELS, ...labels }, taints } };
  });
}

/** The GPU DaemonSets: the device plugin's (not its MPS daemon, which only runs where MPS is turned on) and the DCGM exporter's. */
function gpuDaemonSets(s: RenderedStack): { chart: string; ds: K8sObject }[] {
  return [
    ...releasesOf(s, "nvidia-device-plugin").flatMap((r) => named(r, "DaemonSet", r.release).map((ds) => ({ chart: r.chart, ds }))),
    ...releasesOf(s, "dcgm-exporter").flatMap((r) => named(r, "DaemonSet").map((ds) => ({ chart: r.chart, ds }))),
  ];
}

/** Why a DaemonSet would not run on a node group's nodes, or []. */
function gpuProblems(s: RenderedStack, groups = nodeGroups(s.run)): string[] {
  return gpuDaemonSets(s).flatMap(({ chart, ds }) =>
    groups.filter((g) => g.gpu).flatMap((g) => unschedulableReasons(ds.spec.template.spec, g.node).map((why) => `${chart} on ${g.name}: ${why}`)),
  );
}

describe("the GPU DaemonSets run on every GPU node group, and only there", () => {
  it("the device plugin (every stack with a cluster) and the DCGM exporter (with monitoring) tolerate the GPU taint and select the GPU nodes' labels", () => {
    let checked = 0;
    for (const s of stacks) {
      expect({ stack: stackLabel(s.ref), problems: gpuProblems(s) }).toEqual({ stack: stackLabel(s.ref), problems: [] });
      checked += gpuDaemonSets(s).length * nodeGroups(s.run).filter((g) => g.gpu).length;
    }
    expect(checked).toBeGreaterThan(10);
    expect(new Set(stacks.flatMap((s) => gpuDaemonSets(s).map((d) => d.chart)))).toEqual(new Set(["nvidia-device-plugin", "dcgm-exporter"]));
  });

  it("and stay off the system pool", () => {
    for (const s of stacks) {
      for (const g of nodeGroups(s.run).filter((x) => !x.gpu)) {
        for (const { chart, ds } of gpuDaemonSets(s))
          expect({ chart, on: g.name, fits: unschedulableReasons(ds.spec.template.spec, g.node).length === 0 }).toMatchObject({ fits: false });
      }
    }
  });

  describe("fails when", () => {
    const prod = () => stacks.find((s) => s.ref.stack === "seriesb-prod" && !s.ref.dir)!;
    it("the GPU taint changes without the DaemonSets' tolerations", () => {
      const groups = nodeGroups(prod().run).map((g) =>
        g.gpu ? { ...g, node: { ...g.node, taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }] } } : g,
      );
      const problems = gpuProblems(prod(), groups);
      expect(problems).toContain("nvidia-device-plugin on mlp-prod-cluster-gpu-inference-0: taint gpu=true:NoSchedule is not tolerated");
      expect(problems).toContain("dcgm-exporter on mlp-prod-cluster-gpu-training-1: taint gpu=true:NoSchedule is not tolerated");
    });
    it("the taint's effect changes to NoExecute", () => {
      const effect = kubernetesTaintEffect("NO_EXECUTE");
      const groups = nodeGroups(prod().run).map((g) =>
        g.gpu ? { ...g, node: { ...g.node, taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect }] } } : g,
      );
      expect(gpuProblems(prod(), groups)).toContain(
        `nvidia-device-plugin on mlp-prod-cluster-gpu-inference-0: taint ${GPU_TAINT.key}=true:NoExecute is not tolerated`,
      );
    });
    it("a GPU node group stops setting a label the DaemonSets select", () => {
      const groups = nodeGroups(prod().run).map((g) => {
        if (!g.gpu) return g;
        const labels = { ...g.node.labels };
        delete labels["nvidia.com/gpu.present"];
        return { ...g, node: { ...g.node, labels } };
      });
      expect(gpuProblems(prod(), groups)).toContain(
        "nvidia-device-plugin on mlp-prod-cluster-gpu-inference-0: required node affinity: no term matches the node's labels",
      );
    });
  });
});

// ------------------------------------------------------------ the autoscaler

describe("the Cluster Autoscaler finds our node groups", () => {
  it("discovers the tags EKS sets on this cluster's node groups, runs in the stack's region with our flags, and every GPU node group's labels and taint are in its node-template tags", () => {
    const found = withChart("cluster-autoscaler");
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { s, r } of found) {
      const clusterName = String(ofType(s.run, "aws:eks/cluster:Cluster")[0]!.inputs.name);
      const container = named(r, "Deployment")[0]!.spec.template.spec.containers[0];
      const command = container.command as string[];
      const discovery = command.find((c) => c.startsWith("--node-group-auto-discovery="));
      expect(discovery).toBe(`--node-group-auto-discovery=asg:tag=${Object.keys(eksManagedAsgTags(clusterName)).join(",")}`);
      expect(command).toEqual(
        expect.arrayContaining(["--cloud-provider=aws", "--balance-similar-node-groups=true", "--skip-nodes-with-system-pods=false", "--expander=least-waste"]),
      );
      expect((container.env as { name: string; value: string }[]).find((e) => e.name === "AWS_REGION")?.value).toBe(s.run.spec.region);
      // Scaling from zero: the autoscaler reads a GPU group's labels and taint from these tags.
      const tags = ofType(s.run, "aws:autoscaling/tag:Tag");
      for (const g of nodeGroups(s.run).filter((x) => x.gpu)) {
        const own = Object.fromEntries(
          tags
            .filter((t) => t.name.startsWith(`${g.name}-asg-`))
            .map((t) => [(t.inputs.tag as { key: string }).key, (t.inputs.tag as { value: string }).value]),
        );
        const template = "k8s.io/cluster-autoscaler/node-template";
        for (const [k, v] of Object.entries(g.node.labels)) if (!(k in KUBELET_LABELS)) expect(own).toMatchObject({ [`${template}/label/${k}`]: v });
        for (const t of g.node.taints) expect(own).toMatchObject({ [`${template}/taint/${t.key}`]: `${t.value}:${t.effect}` });
      }
    }
  });

  it("runs the autoscaler build of the cluster's Kubernetes minor, at every supported minor", () => {
    const images = withChart("cluster-autoscaler").map(({ r }) => ({
      minor: r.kubeVersion,
      image: named(r, "Deployment")[0]!.spec.template.spec.containers[0].image as string,
    }));
    expect([...new Set(images.map((i) => i.minor))].sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS]);
    for (const { minor, image } of images)
      expect({ minor, image }).toEqual({ minor, image: `registry.k8s.io/autoscaling/cluster-autoscaler:${clusterAutoscalerImageTag(minor)}` });
  });
});

// ------------------------------------------------------------ monitoring

describe("Prometheus, Alertmanager and Grafana keep what the stage says, and alert our topics", () => {
  const monitored = () => stacks.filter((s) => releasesOf(s, "kube-prometheus-stack").length > 0);

  it("storage sizes, retention, and whether the volumes outlive Prometheus and Alertmanager", () => {
    expect(monitored().length).toBeGreaterThanOrEqual(3);
    // Both cases are rendered: staging deletes its volumes with it, prod keeps them.
    expect(new Set(monitored().map((s) => s.run.spec.allowDestroyWithData))).toEqual(new Set([true, false]));
    for (const s of monitored()) {
      const m = s.run.spec.monitoring.settings!;
      const r = releasesOf(s, "kube-prometheus-stack")[0]!;
      const prometheus = named(r, "Prometheus")[0]!.spec;
      const alertmanager = named(r, "Alertmanager")[0]!.spec;
      const grafanaClaim = named(r, "PersistentVolumeClaim").find((c) => c.metadata.name.endsWith("grafana"))!.spec;
      const claim = (spec: K8sObject) => ({ size: spec.resources.requests.storage, storageClassName: spec.storageClassName });
      expect({
        stack: stackLabel(s.ref),
        prometheus: { retention: prometheus.retention, retentionSize: prometheus.retentionSize, ...claim(prometheus.storage.volumeClaimTemplate.spec) },
        alertmanager: claim(alertmanager.storage.volumeClaimTemplate.spec),
        grafana: claim(grafanaClaim),
      }).toEqual({
        stack: stackLabel(s.ref),
        prometheus: {
          retention: `${m.retentionDays}d`,
          retentionSize: `${retentionSizeGb(m.prometheusStorageGb)}GB`,
          size: `${m.prometheusStorageGb}Gi`,
          storageClassName: "gp3",
        },
        alertmanager: { size: `${m.alertmanagerStorageGb}Gi`, storageClassName: "gp3" },
        grafana: { size: `${m.grafanaStorageGb}Gi`, storageClassName: "gp3" },
      });
      // Deleting Prometheus or Alertmanager deletes their volumes only in a stack whose data may go with it (staging).
      const policy = { whenDeleted: s.run.spec.allowDestroyWithData ? "Delete" : "Retain", whenScaled: "Retain" };
      expect({
        stack: stackLabel(s.ref),
        prometheus: prometheus.persistentVolumeClaimRetentionPolicy,
        alertmanager: alertmanager.persistentVolumeClaimRetentionPolicy,
      }).toEqual({
        stack: stackLabel(s.ref),
        prometheus: policy,
        alertmanager: policy,
      });
    }
  });

  it("Alertmanager's rendered configuration sends each receiver's severities to its topic, and Watchdog to the heartbeat topic only", () => {
    for (const s of monitored()) {
      const r = releasesOf(s, "kube-prometheus-stack")[0]!;
      const secret = named(r, "Secret").find((x) => x.metadata.name === `alertmanager-${r.release}-alertmanager`)!;
      const config = parse(Buffer.from(secret.data["alertmanager.yaml"], "base64").toString("utf8")) as K8sObject;
      const receivers = new Map((config.receivers as K8sObject[]).map((x) => [x.name as string, x]));
      const routes = config.route.routes as K8sObject[];
      const topicOf = (name: string) => (receivers.get(name)?.sns_configs ?? []).map((c: K8sObject) => c.topic_arn);
      for (const want of s.run.spec.monitoring.settings!.receivers) {
        expect({ receiver: want.name, topics: topicOf(want.name) }).toEqual({ receiver: want.name, topics: [want.topicArn ?? s.run.outputs.alertTopicArn] });
        expect(routes).toContainEqual({ receiver: want.name, matchers: [`severity =~ "${want.severities.join("|")}"`], continue: true });
      }
      const heartbeat = ofType(s.run, "aws:sns/topic:Topic").find((t) => t.name.endsWith("-heartbeat"))!;
      expect(topicOf(HEARTBEAT_RECEIVER)).toEqual([expect.stringMatching(new RegExp(`:${heartbeat.name}(-[0-9a-f]+)?$`))]);
      expect(routes[0]).toMatchObject({ receiver: HEARTBEAT_RECEIVER, matchers: ['alertname = "Watchdog"'] });
      expect(routes[0]!.continue).toBeUndefined();
      // The chart's default route and receivers are gone: nothing else is sent anywhere.
      expect(config.route.receiver).toBe("null");
      expect([...receivers.keys()].sort()).toEqual(["null", HEARTBEAT_RECEIVER, ...s.run.spec.monitoring.settings!.receivers.map((x) => x.name)].sort());
    }
  });
});

// ------------------------------------------------------------ IRSA

/** The service account an IRSA role's trust policy names, or undefined for another kind of role. */
function trustedServiceAccount(policy: unknown): string | undefined {
  const doc = JSON.parse(String(policy)) as { Statement: { Condition?: { StringEquals?: Record<string, string> } }[] };
  const sub = Object.entries(doc.Statement[0]?.Condition?.StringEquals ?? {}).find(([k]) => k.endsWith(":sub"))?.[1];
  return sub?.replace(/^system:serviceaccount:/, "");
}

describe("IRSA", () => {
  it("every service account a chart renders with a role ARN names a role that trusts exactly that namespace and name, and every IRSA role for a chart's service account is on it", () => {
    let bound = 0;
    for (const s of stacks) {
      const roles = new Map(ofType(s.run, "aws:iam/role:Role").map((role) => [role.name, trustedServiceAccount(role.inputs.assumeRolePolicy)]));
      const accounts = s.releases.flatMap((r) =>
        named(r, "ServiceAccount").map((sa) => ({ r, sa, id: `${sa.metadata.namespace ?? r.namespace}:${sa.metadata.name}` })),
      );
      for (const { sa, id } of accounts) {
        const arn = sa.metadata.annotations?.["eks.amazonaws.com/role-arn"] as string | undefined;
        if (arn === undefined) continue;
        const role = /:role\/(.+)$/.exec(arn)?.[1];
        expect({ serviceAccount: id, role, trusts: roles.get(role ?? "") }).toEqual({ serviceAccount: id, role, trusts: id });
        bound++;
      }
      for (const [role, trusted] of roles) {
        const sa = accounts.find((a) => a.id === trusted);
        if (sa)
          expect({ role, annotation: sa.sa.metadata.annotations?.["eks.amazonaws.com/role-arn"] }).toEqual({
            role,
            annotation: expect.stringMatching(new RegExp(`:role/${role}$`)),
          });
      }
    }
    // The autoscaler (3 stacks and 2 fixtures), Alertmanager (as many) and the load balancer controller.
    expect(bound).toBeGreaterThanOrEqual(7);
  });
});

// ------------------------------------------------------------ images

/** Every image a release runs: containers, init containers, the operator's CRs and its config reloader. */
function images(r: RenderedRelease): string[] {
  return r.objects.flatMap((o) => {
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec ?? (o.kind === "Pod" ? o.spec : undefined);
    const own = [...((pod?.containers ?? []) as K8sObject[]), ...((pod?.initContainers ?? []) as K8sObject[])].flatMap((c) => [
      c.image as string,
      ...((c.args ?? []) as string[]).filter((a) => a.startsWith("--prometheus-config-reloader=")).map((a) => a.split("=")[1]!),
    ]);
    return o.kind === "Prometheus" || o.kind === "Alertmanager" ? [...own, o.spec.image as string] : own;
  });
}

/** An image reference with a digest, or a tag other than "latest". */
const pinned = (image: string) =>
  /@sha256:[0-9a-f]{64}$/.test(image) || (/:[\w][\w.-]{0,127}$/.test(image.slice(image.lastIndexOf("/"))) && !/:latest$/.test(image));

describe("every image is pinned", () => {
  it("by a tag other than latest, or a digest", () => {
    const all = releases.flatMap((r) => images(r).map((image) => ({ chart: r.chart, image })));
    expect(all.length).toBeGreaterThan(15);
    expect(all.filter((x) => !pinned(x.image))).toEqual([]);
    expect(["nginx", "nginx:latest", "quay.io/x/y", "localhost:5000/y"].filter(pinned)).toEqual([]);
  });
});

// ------------------------------------------------------------ capacity

/** A system node as the scheduler sees it, from the plan's system node group. */
function systemNode(run: PlanRun): NodeShape {
  const g = nodeGroups(run).find((x) => !x.gpu);
  if (!g) throw new Error(`${run.stack}: no system node group`);
  return g.node;
}

/** The config reloader sidecar the operator adds to Prometheus and Alertmanager pods, from its flags. */
function configReloader(r: RenderedRelease) {
  const operator = named(r, "Deployment").find((d) => (d.spec.template.spec.containers[0].args ?? []).some((a: string) => a.startsWith("--config-reloader-")));
  if (!operator) return [];
  const flag = (name: string) => (operator.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  return [{ cpuMillis: cpuMillis(flag("config-reloader-cpu-request")), memoryMiB: memoryMiB(flag("config-reloader-memory-request")) }];
}

/** The pods a release runs on the system pool, one entry per workload, with the requests of one pod. */
function systemPoolPods(r: RenderedRelease, node: NodeShape): SystemWorkload[] {
  const out: SystemWorkload[] = [];
  for (const o of r.objects.filter((x) => !isHook(x))) {
    const name = `${o.kind}/${o.metadata.name}`;
    if (o.kind === "Deployment" || o.kind === "StatefulSet" || o.kind === "DaemonSet") {
      const pod = o.spec.template.spec;
      if (unschedulableReasons(pod, node).length) continue;
      out.push({ name, replicas: o.spec.replicas ?? 1, perNode: o.kind === "DaemonSet" || undefined, ...podRequests(pod) });
    } else if (o.kind === "Prometheus" || o.kind === "Alertmanager") {
      // The operator's StatefulSet: the CR's scheduling fields and resources, plus its config reloader.
      const pod = {
        nodeSelector: o.spec.nodeSelector,
        affinity: o.spec.affinity,
        tolerations: o.spec.tolerations,
        containers: [{ resources: o.spec.resources }],
      };
      if (unschedulableReasons(pod, node).length) continue;
      out.push({ name, replicas: o.spec.replicas ?? 1, ...podRequests(pod, configReloader(r)) });
    }
  }
  return out;
}

/** CPU and memory of workloads: on a pool of `nodes`, what the fixed ones and each node's DaemonSet pods request. */
function totals(ws: readonly SystemWorkload[]) {
  const sum = (perNode: boolean, k: "cpuMillis" | "memoryMiB") =>
    ws.filter((w) => !!w.perNode === perNode).reduce((s, w) => s + w[k] * (perNode ? 1 : w.replicas), 0);
  return {
    cpuMillis: sum(false, "cpuMillis"),
    memoryMiB: sum(false, "memoryMiB"),
    perNodeCpuMillis: sum(true, "cpuMillis"),
    perNodeMemoryMiB: sum(true, "memoryMiB"),
  };
}

/** Where an add-on's footprint counts less than its chart requests on the system pool, or []. */
function undercounts(chart: string, footprint: readonly SystemWorkload[], rendered: SystemWorkload[]): string[] {
  const counted = totals(footprint);
  const real = totals(rendered);
  return (Object.keys(real) as (keyof typeof real)[])
    .filter((k) => counted[k] < real[k])
    .map((k) => `${chart}: the footprint counts ${k} ${counted[k]}, the chart requests ${real[k]} (${rendered.map((w) => w.name).join(", ")})`);
}

const footprintOf = (chart: string) => ADDONS.find((a) => a.id === chart)!.footprint;

describe("the system pool's capacity check counts what the charts really request", () => {
  it("each add-on's footprint is at least the requests of the pods its chart puts on the system pool, at our values", () => {
    const problems = stacks.flatMap((s) =>
      s.releases.flatMap((r) => undercounts(`${r.chart} (${stackLabel(s.ref)})`, footprintOf(r.chart), systemPoolPods(r, systemNode(s.run)))),
    );
    expect(problems).toEqual([]);
  });

  it("the figures are the charts' own where our values set the requests: equal, not merely enough", () => {
    const prod = stacks.find((s) => s.ref.stack === "seriesb-prod" && !s.ref.dir)!;
    for (const chart of ["kube-prometheus-stack", "metrics-server", "cluster-autoscaler"]) {
      const r = releasesOf(prod, chart)[0]!;
      expect({ chart, ...totals(footprintOf(chart)) }).toEqual({ chart, ...totals(systemPoolPods(r, systemNode(prod.run))) });
    }
  });

  it("the GPU-only charts put nothing on the system pool, and count nothing", () => {
    for (const { s, r } of [...withChart("nvidia-device-plugin"), ...withChart("dcgm-exporter")]) {
      expect({ chart: r.chart, pods: systemPoolPods(r, systemNode(s.run)) }).toEqual({ chart: r.chart, pods: [] });
      expect(footprintOf(r.chart)).toEqual([]);
    }
  });

  it("fails when the capacity figures undercount a chart's real requests", () => {
    const prod = stacks.find((s) => s.ref.stack === "seriesb-prod" && !s.ref.dir)!;
    const r = releasesOf(prod, "kube-prometheus-stack")[0]!;
    const rendered = systemPoolPods(r, systemNode(prod.run));
    const lower = footprintOf("kube-prometheus-stack").map((w) => (w.name === "prometheus" ? { ...w, memoryMiB: w.memoryMiB - 32 } : w));
    expect(undercounts("kube-prometheus-stack", lower, rendered)).toEqual([
      expect.stringMatching(/^kube-prometheus-stack: the footprint counts memoryMiB \d+, the chart requests \d+ /),
    ]);
    // A chart pod the footprint forgets entirely: Grafana's datasources sidecar.
    const withoutSidecar = footprintOf("kube-prometheus-stack").map((w) =>
      w.name === "grafana" ? { ...w, cpuMillis: w.cpuMillis - 20, memoryMiB: w.memoryMiB - 64 } : w,
    );
    expect(undercounts("kube-prometheus-stack", withoutSidecar, rendered)).toHaveLength(2);
    // A DaemonSet counted once instead of once per node.
    const notPerNode = footprintOf("kube-prometheus-stack").map((w) => (w.perNode ? { ...w, perNode: undefined } : w));
    expect(undercounts("kube-prometheus-stack", notPerNode, rendered)).toHaveLength(2);
  });
});
