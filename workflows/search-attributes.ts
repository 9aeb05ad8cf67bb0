import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes that make runs findable in the Web UI and by the admin API.
 * Registered with the dev server at start (temporal/dev-server.ts) and in production by the
 * operator (`temporal operator search-attribute create`).
 */
export const OrgId = defineSearchAttributeKey('OrgId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const AlertId = defineSearchAttributeKey('AlertId', SearchAttributeType.KEYWORD);
export const CaseId = defineSearchAttributeKey('CaseId', SearchAttributeType.KEYWORD);
export const Priority = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const Domain = defineSearchAttributeKey('Domain', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [OrgId, CustomerId, AlertId, CaseId, Priority, Domain];
