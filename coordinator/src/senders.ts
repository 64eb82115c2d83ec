/**
 * The sender of a message on a subject whose last token the server's permissions pin to one identity
 * (`<prefix>.goals.submit.<tenant>`, `<prefix>.results.<agent>`, `<prefix>.approvals.decide.<person>`, …). The
 * body may name the same party; where they disagree, the subject is right and the message is rejected.
 */
export function senderOf(subject: string): string {
  return subject.slice(subject.lastIndexOf(".") + 1);
}
