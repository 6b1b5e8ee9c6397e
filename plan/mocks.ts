/** The mocks moved to testing/ (shipped as `ml-platform/testing`); re-exported for the plan. */
export { MOCK_ACCOUNT_ID, createMocks, zoneCode } from "../testing/mocks";
export type { MockOptions } from "../testing/mocks";
