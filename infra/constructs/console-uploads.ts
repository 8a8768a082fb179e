import { createHash } from 'node:crypto';
import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV, UPLOADS } from '../system.ts';
import type { SurveyFunction } from './survey-function.ts';

export interface ConsoleUploadsProps {
  /** The functions with `uploads: true` (the console), which get UPLOAD_BUCKET and their grant. */
  readonly functions: readonly SurveyFunction[];
  /** The console's Function URL: the one origin browsers may PUT from. */
  readonly consoleUrl: FunctionUrl;
}

/**
 * The bucket browsers upload audience files to by presigned PUT (UPLOADS): private, TLS only, S3-managed
 * encryption, objects expire after a day, CORS for PUT from the console's origin alone. Each bound function
 * may put, get and delete under the prefix and list only it (so a missing file reads as 404, not 403).
 */
export class ConsoleUploads extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ConsoleUploadsProps) {
    super(scope, id);
    const origin = Fn.join('', ['https://', Fn.select(2, Fn.split('/', props.consoleUrl.url))]);
    // Named, not referenced: the bucket's CORS names the console's URL, so the console's variable and grant
    // must not name the bucket resource back (that would be a dependency cycle).
    const stack = Stack.of(this);
    const tag = createHash('sha256').update(`${stack.stackName}/${this.node.path}`).digest('hex').slice(0, 8);
    const bucketName = Fn.join('-', ['nps-uploads', Aws.ACCOUNT_ID, Aws.REGION, tag]);
    const bucketArn = Fn.join('', [`arn:${Aws.PARTITION}:s3:::`, bucketName]);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          prefix: UPLOADS.prefix,
          expiration: Duration.days(UPLOADS.expireDays),
          abortIncompleteMultipartUploadAfter: Duration.days(UPLOADS.expireDays),
        },
      ],
      cors: [
        {
          allowedOrigins: [origin],
          allowedMethods: [HttpMethods.PUT],
          allowedHeaders: ['content-type'],
          maxAge: 3000,
        },
      ],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only audience files in transit (deleted once the wave is created, expired after a day); who created which wave is in the console activity log, and CloudTrail data events can be turned on for the bucket where an audit needs object-level access logs.',
    });

    for (const fn of props.functions) {
      fn.lambda.addEnvironment(ENV.uploadBucket, bucketName);
      fn.lambda.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
          resources: [Fn.join('', [bucketArn, `/${UPLOADS.prefix}*`])],
        }),
      );
      fn.lambda.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${UPLOADS.prefix}*`] } },
        }),
      );
      if (fn.lambda.role)
        Validations.of(fn.lambda.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::nps-uploads-<AWS::AccountId>-<AWS::Region>-${tag}/${UPLOADS.prefix}*]`,
          reason:
            'Upload keys are random per file (audience/<user>/<uuid>.csv), so the grant can only name their prefix: the narrowest that covers them.',
        });
    }
  }
}
