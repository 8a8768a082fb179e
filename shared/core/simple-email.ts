/** One SES SendEmail of a rendered email to one address (the digest, alerts): From with its name, Reply-To. */
import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mailbox } from './mailbox.ts';

export const simpleEmailInput = (o: {
  fromAddress: string;
  fromName?: string | undefined;
  replyTo?: string | undefined;
  configurationSet: string | undefined;
  to: string;
  email: { subject: string; html: string; text: string };
  tags?: { Name: string; Value: string }[];
  /** Extra headers (List-Unsubscribe). */
  headers?: { Name: string; Value: string }[];
}): SendEmailCommandInput => ({
  FromEmailAddress: mailbox(o.fromAddress, o.fromName),
  ...(o.replyTo ? { ReplyToAddresses: [o.replyTo] } : {}),
  ConfigurationSetName: o.configurationSet,
  Destination: { ToAddresses: [o.to] },
  Content: {
    Simple: {
      Subject: { Data: o.email.subject, Charset: 'UTF-8' },
      Body: {
        Html: { Data: o.email.html, Charset: 'UTF-8' },
        Text: { Data: o.email.text, Charset: 'UTF-8' },
      },
      ...(o.headers ? { Headers: o.headers } : {}),
    },
  },
  ...(o.tags ? { EmailTags: o.tags } : {}),
});
