/**
 * Monitoring: a Prometheus whose data has no bound fills its volume and stops
 * ingesting (monitoring goes dark exactly when something else went wrong), and
 * an oversized EBS volume can never be shrunk, only replaced.
 *
 * Applies to kube-prometheus-stack Helm releases (values.prometheus.prometheusSpec)
 * and to prometheus-operator Prometheus objects (spec) declared directly.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { pricesFor } from "../../cost/prices";
import { configSchema, explain, money, regionOf, withDefaults } from "./common";
import { helmChartName } from "../../lib/versions";

type Props = Record<string, unknown>;

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const PROMETHEUS = "kubernetes:monitoring.coreos.com/v1:Prometheus";

interface PrometheusStorageSpec {
  retention?: unknown;
  retentionSize?: unknown;
  storage?: { volumeClaimTemplate?: { spec?: { resources?: { requests?: { storage?: unknown } } } }; emptyDir?: unknown };
}

/** The Prometheus spec a resource declares, in the operator's field names; undefined when it declares none. */
function prometheusSpecOf(type: string, props: Props): PrometheusStorageSpec | undefined {
  if (type === PROMETHEUS) return (props.spec ?? {}) as PrometheusStorageSpec;
  if (type !== HELM_RELEASE || helmChartName(props.chart) !== "kube-prometheus-stack") return undefined;
  const values = (props.values ?? {}) as { prometheus?: { enabled?: boolean; prometheusSpec?: Props } };
  if (values.prometheus?.enabled === false) return undefined;
  const spec = values.prometheus?.prometheusSpec ?? {};
  return { retention: spec.retention, retentionSize: spec.retentionSize, storage: spec.storageSpec as PrometheusStorageSpec["storage"] };
}

const DURATION_UNITS_DAYS: Record<string, number> = { ms: 1 / 86_400_000, s: 1 / 86400, m: 1 / 1440, h: 1 / 24, d: 1, w: 7, y: 365 };

/** Days in a Prometheus duration ("15d", "2w", "720h", "1y2w"); undefined when it is not one. */
export function durationDays(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^(\d+(ms|s|m|h|d|w|y))+$/.test(value)) return undefined;
  let days = 0;
  for (const m of value.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) days += Number(m[1]) * DURATION_UNITS_DAYS[m[2]!]!;
  return days;
}

/** GiB in a Prometheus size ("40GB", "512MiB") or a Kubernetes quantity ("50Gi", "1Ti"); undefined when unreadable. */
export function sizeGb(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB|Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)$/.exec(value.trim());
  if (!m) return undefined;
  const exp: Record<string, number> = { B: -3, K: -2, M: -1, G: 0, T: 1, P: 2 };
  return Number(m[1]) * 1024 ** exp[m[2]!.charAt(0)]!;
}

const BOUNDED_DEFAULTS = { maxRetentionDays: 90, maxPrometheusStorageGb: 500 };
export const prometheusRetentionBounded: ResourceValidationPolicy = {
  name: "prometheus-retention-bounded",
  description: "Prometheus keeps data for a bounded time and size, on a bounded volume that its size-based retention fits.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(BOUNDED_DEFAULTS, {
    maxRetentionDays: "Longest Prometheus retention (storage.tsdb.retention.time), in days",
    maxPrometheusStorageGb: "Largest Prometheus volume, in GB",
  }),
  validateResource: (args, report) => {
    const spec = prometheusSpecOf(args.type, args.props);
    if (!spec) return;
    const cfg = withDefaults(BOUNDED_DEFAULTS, args.getConfig);
    const gbPrice = pricesFor(regionOf(args.props, args.provider, "us-east-1"))?.ebsGp3PerGbMonth ?? 0.08;
    const volumeGb = sizeGb(spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage);
    const sizeLimit = sizeGb(spec.retentionSize);
    const days = durationDays(spec.retention);

    if (spec.retention !== undefined && days === undefined) {
      report(
        explain(
          `${args.name} sets Prometheus retention to ${JSON.stringify(spec.retention)}, which is not a Prometheus duration.`,
          "Prometheus refuses to start with it, and monitoring is down until someone notices.",
          'write it as a duration such as "15d".',
        ),
      );
    } else if (days !== undefined && days > cfg.maxRetentionDays) {
      report(
        explain(
          `${args.name} keeps Prometheus data for ${days} days; the cap is ${cfg.maxRetentionDays}.`,
          "disk grows with retention (about 1-2 bytes per sample), and a single Prometheus slows down on long queries; long history belongs in remote storage.",
          `set retention to at most ${cfg.maxRetentionDays}d (ml-platform:monitoring.retentionDays), or raise maxRetentionDays in policies/config/<stage>.json.`,
        ),
      );
    }
    if (sizeLimit === undefined || sizeLimit <= 0) {
      report(
        explain(
          `${args.name} sets no size-based retention for Prometheus (retentionSize is ${JSON.stringify(spec.retentionSize ?? null)}).`,
          "with time-based retention only, more series (a new exporter, a label with high cardinality) fill the volume; Prometheus then stops ingesting and every alert goes quiet.",
          `set retentionSize to about 80 % of the volume${volumeGb ? ` (${Math.floor(volumeGb * 0.8)}GB for ${volumeGb} GB)` : ""}.`,
        ),
      );
    } else if (volumeGb !== undefined && sizeLimit > volumeGb) {
      report(
        explain(
          `${args.name} lets Prometheus keep ${sizeLimit} GB on a ${volumeGb} GB volume.`,
          "the volume fills before size-based retention deletes anything, and Prometheus stops ingesting.",
          `set retentionSize to at most ${Math.floor(volumeGb * 0.8)}GB (80 % leaves room for the WAL and compaction).`,
        ),
      );
    }
    if (volumeGb !== undefined && volumeGb > cfg.maxPrometheusStorageGb) {
      report(
        explain(
          `${args.name} gives Prometheus a ${volumeGb} GB volume; the cap is ${cfg.maxPrometheusStorageGb} GB.`,
          `EBS volumes grow but never shrink: ${money(volumeGb * gbPrice)}/month from now on, for one Prometheus.`,
          `lower ml-platform:monitoring.prometheusStorageGb (measure the need: prometheus_tsdb_storage_blocks_bytes), or raise maxPrometheusStorageGb.`,
        ),
      );
    }
  },
};

export const monitoringStoragePersistent: ResourceValidationPolicy = {
  name: "prometheus-storage-persistent",
  description: "Prometheus keeps its data on a persistent volume, not in the pod.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    const spec = prometheusSpecOf(args.type, args.props);
    if (!spec || spec.storage?.volumeClaimTemplate) return;
    report(
      explain(
        `${args.name} keeps Prometheus data in the pod (no volumeClaimTemplate).`,
        "every restart, upgrade or node replacement erases the metrics history, and the node's disk fills instead of a volume of known size.",
        "set storageSpec.volumeClaimTemplate with storageClassName gp3 and a size.",
      ),
    );
  },
};

export const monitoringPolicies = [prometheusRetentionBounded, monitoringStoragePersistent];
