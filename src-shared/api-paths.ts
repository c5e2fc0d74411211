/** URL prefixes of the two facades. */
export const API_V1 = '/api/v1';
export const ONCALL_V1 = '/v1/oncall';
