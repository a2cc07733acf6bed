/**
 * The CreateCmqQueue body Terraform's tencentcloud_tcmq_queue sends when only queue_name is set:
 * every optional field, at its schema default or zero value.
 */
export function terraformQueueCreate(queueName: string) {
  return {
    QueueName: queueName,
    MaxMsgHeapNum: 10_000_000,
    PollingWaitSeconds: 0,
    VisibilityTimeout: 30,
    MaxMsgSize: 65_536,
    MsgRetentionSeconds: 3600,
    RewindSeconds: 0,
    Transaction: 0,
    FirstQueryInterval: 0,
    MaxQueryCount: 0,
    Policy: 0,
    MaxReceiveCount: 50,
    MaxTimeToLive: 300,
    Trace: false,
    RetentionSizeInMB: 0,
  };
}
