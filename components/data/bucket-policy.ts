/** The bucket policy every artifact bucket gets, as a pure function. */

/**
 * IAM policy documents as pure functions: tests read them without mocks, and
 * the policy pack checks the same shapes. Values may be Pulumi outputs; the
 * components serialise them with `pulumi.jsonStringify`.
 */

export interface Statement<T = string> {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, T | T[]> | "*";
  Action: string | string[];
  Resource?: T | T[];
  Condition?: Record<string, Record<string, T | T[]>>;
}

export interface PolicyDocument<T = string> {
  Version: "2012-10-17";
  Statement: Statement<T>[];
}

/** A statement that refuses `action` on `resource` to every request not made over TLS. */
export function denyInsecureTransport(action: string, resource: string | string[]): Statement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Bucket policy that refuses every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`])] };
}
