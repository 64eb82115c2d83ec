/** The script name agents of a replay stack use (`SY_MODEL=scripted:eval-replay`): the recordings' script. */
export const REPLAY_SCRIPT = "eval-replay";
