/**
 * Credentials the worker tests run with: the local default tenant, a second one, a second key of
 * the first, and the key of the TCP auth fixture captured from the Java SDK (cmq-api-tcp.md).
 */
export const TEST_CREDENTIALS = [
  {
    secretId: "AKIDcmqEdgeLocalDefault",
    secretKey: "cmq-edge-local-secret-key",
    appId: "1250000000",
  },
  { secretId: "AKIDsecondTenant", secretKey: "second-tenant-secret-key", appId: "1250000001" },
  // Same appId as the first: a second key of the same tenant sees the same queues.
  { secretId: "AKIDfirstTenantKey2", secretKey: "first-tenant-second-key", appId: "1250000000" },
  { secretId: "AKIDselfcheckEXAMPLE", secretKey: "selfcheck-secret-key", appId: "1250000000" },
];
