// Entry point the Pulumi CLI runs (through @pulumi/pulumi/cmd/run-policy-pack).
// Kept tiny: `new PolicyPack` starts a gRPC server, so the policies live in
// plain modules (rules/) that tests and the offline plan import directly.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./rules";

new PolicyPack(POLICY_PACK_NAME, { policies });
