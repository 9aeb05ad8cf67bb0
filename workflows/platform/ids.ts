/** Platform workflow ids, from business keys (pure: starters and tests use the same ones). */
export const pipelineCheckWorkflowId = (checkId: string) => `pipeline-check-${checkId}`;
export const fieldEncryptionWorkflowId = (orgId: string) => `field-encryption-${orgId}`;
