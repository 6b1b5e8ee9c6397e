/**
 * The database restore key, `ml-platform:database.restoreFromSnapshot`: what a
 * valid snapshot reference looks like, checked at config time so a typo stops
 * the program instead of failing 20 minutes into `pulumi up`.
 *
 * RDS takes a snapshot identifier or, for a snapshot in another account, its
 * ARN (RestoreDBInstanceFromDBSnapshot, DBSnapshotIdentifier). Identifiers are
 * 1-255 letters, digits and hyphens, start with a letter, and neither end with
 * a hyphen nor contain two in a row; automated snapshots carry an `rds:`
 * prefix and AWS Backup recovery points an `awsbackup:` one (RDS API
 * reference, CreateDBSnapshot / RestoreDBInstanceFromDBSnapshot; checked 2026-11-23).
 * The snapshot must be in the stack's region: copy it first with
 * `aws rds copy-db-snapshot` otherwise.
 */

const IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/;
const ARN = /^arn:aws[a-z-]*:rds:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):snapshot:(.+)$/;
const PREFIXES = ["rds:", "awsbackup:"] as const;

export interface SnapshotReference {
  /** What RDS is given (the value as written). */
  value: string;
  /** The snapshot's own name, without ARN or prefix. */
  name: string;
  /** "manual", "automated" (rds:) or "aws-backup" (awsbackup:). */
  kind: "manual" | "automated" | "aws-backup";
  /** Region and account, when the reference is an ARN. */
  region?: string;
  accountId?: string;
}

/** Parses a snapshot reference, or returns why it is not one RDS accepts. */
export function parseSnapshotReference(value: string, stackRegion?: string): SnapshotReference | { error: string } {
  let rest = value;
  let region: string | undefined;
  let accountId: string | undefined;
  if (value.startsWith("arn:")) {
    const m = ARN.exec(value);
    if (!m) return { error: "is not an RDS DB snapshot ARN (arn:aws:rds:<region>:<account>:snapshot:<name>)" };
    [, region, accountId, rest] = m as unknown as [string, string, string, string];
    if (stackRegion && region !== stackRegion)
      return {
        error: `is in ${region}, but the stack deploys to ${stackRegion}; copy it first (aws rds copy-db-snapshot --source-db-snapshot-identifier <arn> --target-db-snapshot-identifier <name> --region ${stackRegion}) and restore the copy`,
      };
  }
  const prefix = PREFIXES.find((p) => rest.startsWith(p));
  const name = prefix ? rest.slice(prefix.length) : rest;
  if (!IDENTIFIER.test(name) || name.endsWith("-"))
    return {
      error:
        "is not a DB snapshot identifier: 1-255 letters, digits and hyphens, starting with a letter, no '--', not ending in '-' (optionally rds: or awsbackup: in front, or a snapshot ARN)",
    };
  return { value, name, kind: prefix === "rds:" ? "automated" : prefix === "awsbackup:" ? "aws-backup" : "manual", region, accountId };
}
