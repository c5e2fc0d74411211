/** The shape of one mutator: its name, its arguments, what it reads, and its one body. */
import type { MutatorArgs, MutatorName } from '../schemas/sync';
import type { MutatorTx, ReadNeeds, RuleActor } from './tx';

export interface Mutator<N extends MutatorName, Extra = unknown> {
  name: N;
  /** everything the body may `read`, so the server can load it first */
  reads(args: MutatorArgs<N> & Extra, actor: RuleActor): ReadNeeds;
  /** checks the change and writes the record; throws RuleError to refuse */
  run(tx: MutatorTx, args: MutatorArgs<N> & Extra): void;
}
