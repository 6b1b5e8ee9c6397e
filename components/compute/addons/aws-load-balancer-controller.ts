/**
 * The AWS Load Balancer Controller add-on: it turns Services with
 * `loadBalancerClass: service.k8s.aws/nlb` into Network Load Balancers, and
 * a canary model's Ingress into an Application Load Balancer with weighted
 * target groups. Installed by ModelServing only when a model is exposed or
 * releases by canary. This file owns its
 * chart pin, Helm values, requests, IAM policy and install.
 */
import type * as pulumi from "@pulumi/pulumi";
import { childName } from "../../../lib/naming";
import { irsaRoleName } from "../names";
import type { ChartPin } from "../../../lib/versions";
import type { PolicyDocument } from "../../data/bucket-policy";
import { systemNodeLabels } from "../labels";
import { isCanary } from "../../serving/settings";
import { serviceAccountRole } from "./addon";
import type { ServingAddon } from "./addon";

/**
 * Chart 3.5.0 (controller v3.5.0), cut 2026-08-03 (kubernetes-sigs/aws-load-balancer-controller
 * tag v3.5.0, helm/aws-load-balancer-controller/Chart.yaml), published to the
 * eks-charts repository (aws/eks-charts stable/aws-load-balancer-controller,
 * commit "aws-load-balancer-controller: v3.5.0"). The controller requires
 * Kubernetes 1.22+ (docs/deploy/installation.md), so 1.35 and 1.36 (the tests
 * render the chart at both); checked 2026-11-23, the 1.36 render 2026-12-07.
 */
export const AWS_LOAD_BALANCER_CONTROLLER_CHART: ChartPin = {
  repo: "https://aws.github.io/eks-charts",
  chart: "aws-load-balancer-controller",
  version: "3.5.0",
};

export const AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-load-balancer-controller" } as const;

/**
 * Requests we set on the controller (its chart sets none, `resources: {}`;
 * 100m/128Mi is the chart's commented suggestion), and its replica count
 * (chart default 2, for leader-elected failover). The values and the system
 * pool's capacity check both read them.
 */
export const LOAD_BALANCER_CONTROLLER_RESOURCES = { replicas: 2, cpuMillis: 100, memoryMiB: 128 } as const;

export interface LoadBalancerControllerValues<T> {
  clusterName: T;
  region: T;
  vpcId: T;
  replicaCount: number;
  serviceAccount: { create: true; name: string; annotations: Record<string, T> };
  resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  nodeSelector: Record<string, string>;
  enableServiceMutatorWebhook: boolean;
}

/**
 * Helm values. `region` and `vpcId` are given because the nodes limit IMDS to
 * one hop, so the controller's pod cannot look them up itself (chart values:
 * "Set this manually when your pods are unable to use the metadata service").
 * The Service mutator webhook, on by default, would make the controller take
 * over every new LoadBalancer Service in the cluster and refuse Service
 * creation while it is down (failurePolicy Fail); our Services name the
 * class themselves, so it is off. The chart requests no resources; these
 * are ours (LOAD_BALANCER_CONTROLLER_RESOURCES, also the add-on's footprint).
 */
export function loadBalancerControllerValues<T>(args: { clusterName: T; region: T; vpcId: T; roleArn: T }): LoadBalancerControllerValues<T> {
  const r = LOAD_BALANCER_CONTROLLER_RESOURCES;
  return {
    clusterName: args.clusterName,
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: r.replicas,
    serviceAccount: { create: true, name: AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT.name, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } },
    resources: { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` }, limits: { memory: `${r.memoryMiB * 2}Mi` } },
    nodeSelector: systemNodeLabels(),
    enableServiceMutatorWebhook: false,
  };
}

const CLUSTER_TAG = "elbv2.k8s.aws/cluster";
const tagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
const creatingTagged = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
const retagging = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
const LB_ARNS = [
  "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
  "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
  "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
];

/**
 * The controller's IAM permissions: the actions and conditions of the
 * project's reference policy (kubernetes-sigs/aws-load-balancer-controller
 * docs/install/iam_policy.json, last changed 2025-03-27, unchanged at
 * v3.5.0; checked 2026-11-23), grouped by purpose. Reads are account-wide
 * (Describe* cannot be scoped); every write that can be scoped requires the
 * `elbv2.k8s.aws/cluster` tag the controller puts on what it creates.
 */
export function loadBalancerControllerPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbServiceLinkedRole",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "ec2:DescribeRouteTables",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        Resource: "*",
      },
      {
        Sid: "CertificatesFirewallsShield",
        Effect: "Allow",
        Action: [
          "cognito-idp:DescribeUserPoolClient",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
          "iam:ListServerCertificates",
          "iam:GetServerCertificate",
          "waf-regional:GetWebACL",
          "waf-regional:GetWebACLForResource",
          "waf-regional:AssociateWebACL",
          "waf-regional:DisassociateWebACL",
          "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource",
          "wafv2:AssociateWebACL",
          "wafv2:DisassociateWebACL",
          "shield:GetSubscriptionState",
          "shield:DescribeProtection",
          "shield:CreateProtection",
          "shield:DeleteProtection",
        ],
        Resource: "*",
      },
      { Sid: "SecurityGroupRules", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
      { Sid: "CreateSecurityGroups", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
      {
        Sid: "TagNewSecurityGroups",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...creatingTagged },
      },
      {
        Sid: "RetagOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: retagging,
      },
      {
        Sid: "ManageOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
        Resource: "*",
        Condition: tagged,
      },
      {
        Sid: "CreateTaggedLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: creatingTagged,
      },
      {
        Sid: "ListenersAndRules",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ],
        Resource: "*",
      },
      {
        Sid: "RetagOwnLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: LB_ARNS,
        Condition: retagging,
      },
      {
        Sid: "TagListenersAndRules",
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [
          "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
          "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
          "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
          "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
        ],
      },
      {
        Sid: "ModifyOwnLoadBalancers",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:ModifyIpPools",
        ],
        Resource: "*",
        Condition: tagged,
      },
      {
        Sid: "TagOnCreate",
        Effect: "Allow",
        Action: "elasticloadbalancing:AddTags",
        Resource: LB_ARNS,
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...creatingTagged },
      },
      {
        Sid: "RegisterTargets",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      },
      {
        Sid: "ListenerSettings",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        Resource: "*",
      },
    ],
  };
}

/** Its IRSA role and Helm release: `<serving component>-lbc` (the IAM role: `<serving component>-lbc-role`). */
const NAME = "lbc";

/**
 * The controller as a ModelServing add-on, installed only when some model
 * asks for a load balancer: its IRSA role, then its Helm release in
 * kube-system. The release is what LoadBalancer Services depend on: they are
 * then created after the controller and, on destroy, deleted before it, so
 * it can remove their load balancers (otherwise ENIs and security groups are
 * left in the VPC).
 */
export const awsLoadBalancerController: ServingAddon = {
  id: AWS_LOAD_BALANCER_CONTROLLER_CHART.chart,
  pin: { helm: AWS_LOAD_BALANCER_CONTROLLER_CHART },
  purpose: "Creates and updates the AWS load balancers behind LoadBalancer Services and Ingresses",
  // An exposed model's NLB, or a canary model's ALB (components/serving/canary.ts ingressManifest).
  enabled: (settings) => settings.models.some((m) => m.exposure.type !== "cluster" || isCanary(settings, m)),
  footprint: [{ name: "aws-load-balancer-controller", ...LOAD_BALANCER_CONTROLLER_RESOURCES, source: "our chart values" }],
  iamRoleNames: (owner) => [irsaRoleName(childName(owner, NAME))],
  install: (target) => {
    const { declare, owner, parent, cluster, inputs, dependsOn } = target;
    const sa = AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT;
    const name = childName(owner, NAME);
    const role = serviceAccountRole(target, name, sa, { inlinePolicy: JSON.stringify(loadBalancerControllerPolicy()) });
    const release = declare.helmRelease(
      name,
      AWS_LOAD_BALANCER_CONTROLLER_CHART,
      {
        namespace: sa.namespace,
        values: loadBalancerControllerValues<pulumi.Input<string>>({
          clusterName: cluster.clusterName,
          region: inputs.region,
          vpcId: inputs.vpcId,
          roleArn: role.roleArn,
        }),
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [role] };
  },
};
