/**
 * What a stack resolves to (config/resolve.ts resolvePlatformSpec): the stage
 * preset with the stack file's overrides, every piece on or off and why.
 * Types only, so that the modules resolve.ts builds on (naming-input.ts) and
 * those that read a resolved stack (warnings.ts, the program, the plan) can
 * name it without importing the resolver.
 */
import type { CapacityReport, GpuPoolReport } from "../components/compute/capacity";
import type { ServingSettings } from "../components/serving/settings";
import type { TrackingSettings } from "../components/tracking/settings";
import type {
  AlertSettings,
  ArtifactSettings,
  BackupSettings,
  ClusterSettings,
  DatabaseSettings,
  HealthCheckSettings,
  MonitoringSettings,
  NetworkSettings,
  PredictionMonitoringSettings,
  RegistrySettings,
} from "./presets";
import type { Stage } from "../lib/stages";

/** A piece as the stack will deploy it: enabled or not, why, and its settings. */
export interface PieceDecision<T> {
  enabled: boolean;
  why: string;
  /** "preset" when the stage decided, "stack" when the stack file overrode it. */
  decidedBy: "preset" | "stack";
  settings: T;
}

/** Everything the program needs, typed and validated. */
export interface PlatformSpec {
  project: string;
  stack: string;
  stage: Stage;
  stageTitle: string;
  environment: string;
  region: string;
  /** Prefix for resource names: `<project-short>-<environment>`. */
  namePrefix: string;
  tags: Record<string, string>;
  protectStatefulResources: boolean;
  /** Buckets get forceDestroy, repositories forceDelete, and monitoring volumes go with their pods (non-production stacks only). */
  allowDestroyWithData: boolean;
  network: PieceDecision<NetworkSettings>;
  artifacts: PieceDecision<ArtifactSettings>;
  registry: PieceDecision<RegistrySettings>;
  database: PieceDecision<DatabaseSettings>;
  cluster: PieceDecision<ClusterSettings>;
  serving: PieceDecision<ServingSettings>;
  tracking: PieceDecision<TrackingSettings>;
  /** The system pool's capacity check at its minimum size (components/compute/capacity.ts), when the stack deploys a cluster. */
  systemPool?: CapacityReport;
  /** The GPU pools' capacity check for the GPU workloads `pulumi up` waits for (components/compute/capacity.ts checkGpuPool), one report per pool that runs any. */
  gpuPools?: GpuPoolReport[];
  monitoring: PieceDecision<MonitoringSettings>;
  alerts: PieceDecision<AlertSettings>;
  backup: PieceDecision<BackupSettings>;
  healthChecks: PieceDecision<HealthCheckSettings>;
  predictionMonitoring: PieceDecision<PredictionMonitoringSettings>;
}
