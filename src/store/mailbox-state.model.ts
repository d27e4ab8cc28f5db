import mongoose from 'mongoose';

/** IMAP checkpoint of one watched mailbox: the last UID stored under the current UIDVALIDITY. */
const mailboxStateSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    lastUid: { type: Number, required: true, default: 0 },
  },
  { collection: 'mailbox_states', timestamps: true, versionKey: false },
);

export const MailboxStateModel = mongoose.model('MailboxState', mailboxStateSchema);
