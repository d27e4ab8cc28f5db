import mongoose from 'mongoose';

const counterSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'counters', versionKey: false },
);

export const CounterModel = mongoose.model('Counter', counterSchema);

/** Returns the next value of a named counter; one atomic update, so numbers never repeat. */
export async function nextSequence(name: string): Promise<number> {
  const counter = await CounterModel.findOneAndUpdate(
    { _id: name },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  if (!counter) {
    throw new Error(`counter ${name} was not returned after upsert`);
  }
  return counter.seq;
}
