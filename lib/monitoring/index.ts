/** The monitoring stack's pure pieces: contract, chart pins, rules, dashboards, values. */
export * from "./charts";
export * from "./contract";
export * from "./dashboards";
export * from "./manifests";
export * from "./rules";
export * from "./values";
