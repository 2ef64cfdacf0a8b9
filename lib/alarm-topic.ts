/**
 * Where the alarms notify when no topic is given (`alarmTopicArn`): an SNS topic of the stack's
 * own, encrypted with a key of its own. CloudWatch publishes alarm notifications as its service
 * principal, which may use the topic and the key only for this account's alarms; the AWS managed
 * SNS key would not do, since CloudWatch cannot use it.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class AlarmTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    // CloudWatch acting for this account's alarms, and for no one else's (the confused deputy).
    const forOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the alarm notifications of the Resource Connections service',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: forOwnAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Resource Connections alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: forOwnAlarms,
      }),
    );
  }
}
