/** The whole policy pack, as plain data the CLI server, the offline plan and the tests share. */
import type { Policies } from "@pulumi/policy";
import { computePolicies } from "./compute";
import { dataPolicies } from "./data";
import { hardeningPolicies } from "./hardening";
import { monitoringPolicies } from "./monitoring";
import { operationsPolicies } from "./operations";
import { platformPolicies } from "./platform";
import { servingPolicies } from "./serving";
import { stagePolicies } from "./stage";
import { workloadPolicies } from "./workloads";

export const POLICY_PACK_NAME = "ml-platform";

export const policies: Policies = [
  ...computePolicies,
  ...dataPolicies,
  ...platformPolicies,
  ...monitoringPolicies,
  ...servingPolicies,
  ...workloadPolicies,
  ...hardeningPolicies,
  ...operationsPolicies,
  ...stagePolicies,
];
