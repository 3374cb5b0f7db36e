/**
 * The key a view puts in the `_meta` of the tool calls it makes (hosts pass a view's call on with
 * its `_meta`), so the door counts a move clicked in the view as such. Shared by the door and the
 * views, which import it: a module of its own, with nothing else in it, for the views' bundle.
 */
export const VIEW_CALL_META = 'tictactoe/door'
/** Its value on a view's call. */
export const FROM_VIEW = 'view'
