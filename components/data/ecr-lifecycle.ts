/**
 * ECR lifecycle policy as data. Rules are evaluated by priority; a rule with
 * tagStatus "any" must come last (ECR rejects it otherwise).
 */
export interface EcrLifecycleRule {
  rulePriority: number;
  description: string;
  selection: {
    tagStatus: "untagged" | "tagged" | "any";
    countType: "sinceImagePushed" | "imageCountMoreThan";
    countUnit?: "days";
    countNumber: number;
  };
  action: { type: "expire" };
}

export function ecrLifecyclePolicy(untaggedExpiryDays: number, keepLastImages: number): { rules: EcrLifecycleRule[] } {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images (failed or superseded pushes) after ${untaggedExpiryDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keepLastImages} images; older ones cannot be rolled back to`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepLastImages },
        action: { type: "expire" },
      },
    ],
  };
}
