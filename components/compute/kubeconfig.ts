/** The kubeconfig of a cluster (exec plugin: `aws eks get-token`), as plain data. */

// ---------------------------------------------------------------- kubeconfig

/** The subset of a kubeconfig the Pulumi Kubernetes provider and kubectl need. */
export interface Kubeconfig {
  apiVersion: "v1";
  kind: "Config";
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
  users: {
    name: string;
    user: {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1";
        command: string;
        args: string[];
        interactiveMode: "Never";
      };
    };
  }[];
}

/**
 * A kubeconfig that authenticates with short-lived tokens from
 * `aws eks get-token` (the AWS CLI must be on the deployer's PATH): whoever
 * uses it gets the access of their own AWS identity. It holds no password,
 * but it is still exported as a secret: it maps the cluster's endpoint and
 * CA, and stack outputs are readable by anyone who can read the stack.
 */
export function kubeconfig(clusterName: string, endpoint: string, caData: string, region: string): Kubeconfig {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  };
}
