/** The stages of a company's life that the presets, the policy pack and the docs speak of, youngest first. */
export const STAGES = ["poc", "mvp", "seriesb"] as const;
export type Stage = (typeof STAGES)[number];
