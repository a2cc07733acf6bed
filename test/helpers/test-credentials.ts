/**
 * Credentials the worker tests run with (vitest.config.mts hands them to the Worker as
 * CMQ_CREDENTIALS; the tests read them back from there): the local default tenant
 * (local/defaults.env, defined once), a second tenant, a second key of the first, and the key of
 * the TCP auth fixture captured from the Java SDK (cmq-api-tcp.md).
 */
import { localCredential } from "../../local/local-defaults";

const local = localCredential({});

export const TEST_CREDENTIALS = [
  local,
  { secretId: "AKIDsecondTenant", secretKey: "second-tenant-secret-key", appId: "1250000001" },
  // Same appId as the first: a second key of the same tenant sees the same queues.
  { secretId: "AKIDfirstTenantKey2", secretKey: "first-tenant-second-key", appId: local.appId },
  { secretId: "AKIDselfcheckEXAMPLE", secretKey: "selfcheck-secret-key", appId: local.appId },
];
