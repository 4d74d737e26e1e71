package io.hogwild.common.sync;

/**
 * Asked now and then by a worker that waits for a lock: false gives the wait up with a
 * {@link WaitAbandonedException}, so that a stop command or a dead coordinator can end a worker whose
 * lock holder will never release (a holder killed with {@code kill -9}).
 */
@FunctionalInterface
public interface WaitCheck
{
    boolean keepWaiting();
}
