/**
 * What a pricing rule is given and what it decides, shared by the cost
 * model's own rules (cost/model.ts) and those of the operations pieces
 * (cost/operations.ts): a resource as planned, the volumes the stack expects,
 * and the rule's outcome for the resource.
 */

/** A resource to price, as planned: its type and inputs. */
export interface CostInput {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Top-level component the resource belongs to, for the per-component table. */
  component?: string;
}

/**
 * Volumes the stack expects, for usage-priced storage. A resource's own
 * planning tag (lib/tags.ts) applies when these say nothing about it; with
 * neither, its storage is listed as usage-based, not priced.
 */
export interface UsageAssumptions {
  s3StorageGbPerBucket?: number;
  ecrStorageGbPerRepository?: number;
  /** GB ingested a month, by log group URN. */
  logIngestGbPerMonth?: Record<string, number>;
  /** GB stored, by resource URN, for storage whose volume is not the per-type figure (a backup vault, a canary's artifact bucket). */
  storageGbByUrn?: Record<string, number>;
}

/** A rule's verdict on one resource. */
export type Outcome =
  | { kind: "priced"; expected: number; worst: number; basis: string; idleGpu?: number; usage?: string }
  | { kind: "free" }
  /** Billed only by volume or traffic the stack does not state: the rate is known, the amount is not. */
  | { kind: "usage"; usage: string }
  | { kind: "unpriced"; reason: string };
