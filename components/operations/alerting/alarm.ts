import * as aws from "../../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmSpec } from "./alarms";

/**
 * Declares one CloudWatch alarm from a pure AlarmSpec: the resource's id goes
 * into the spec's dimension, ALARM and OK both notify the topic (on-call sees
 * the recovery too). `region` places the alarm outside the stack's region
 * (Route 53 metrics exist in us-east-1 only).
 */
export function metricAlarm(
  name: string,
  alarmName: string,
  spec: AlarmSpec,
  dimensionValue: pulumi.Input<string>,
  topicArn: pulumi.Input<string>,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  region?: string,
): aws.cloudwatch.MetricAlarm {
  const dimensions = { [spec.dimension]: dimensionValue };
  const shape: Partial<aws.cloudwatch.MetricAlarmArgs> = spec.math
    ? {
        metricQueries: [
          ...spec.math.metrics.map((m) => ({
            id: m.id,
            returnData: false,
            metric: { namespace: spec.namespace, metricName: m.metricName, period: spec.period, stat: m.stat, dimensions },
          })),
          { id: "result", expression: spec.math.expression, label: spec.math.label, returnData: true },
        ],
      }
    : { namespace: spec.namespace, metricName: spec.metricName, statistic: spec.statistic, period: spec.period, dimensions };
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      ...shape,
      name: alarmName,
      alarmDescription: spec.description,
      comparisonOperator: spec.comparisonOperator,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
      region,
      tags,
    },
    opts,
  );
}
