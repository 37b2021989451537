package io.procos.pdo.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says which domain instances changed, once their engine transaction committed: the ids a transaction touched are
 * gathered while it runs and handed to the listener ({@link io.procos.api.process.InstanceEvent}) once each after
 * the commit, none after a rollback. With no listener set it costs one volatile read per call.
 */
final class InstanceChanges {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceChanges.class);

    private volatile Consumer<String> listener;

    /** The ids gathered for the command running on this thread; another command's ids are never mixed in. */
    private final ThreadLocal<Pending> pending = new ThreadLocal<>();

    private record Pending(CommandContext command, Set<String> ids) {}

    void listener(Consumer<String> listener) {
        this.listener = listener;
    }

    /** The domain instance changed in the transaction running now (or, outside any, just now). */
    void touched(String domainInstanceId) {
        if (listener == null || domainInstanceId == null) return;
        CommandContext command = Context.getCommandContext();
        if (command == null) {
            publish(Set.of(domainInstanceId));
            return;
        }
        Pending p = pending.get();
        if (p == null || p.command() != command) {
            Pending fresh = new Pending(command, new LinkedHashSet<>());
            pending.set(fresh);
            command.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, ctx -> {
                end(fresh);
                publish(fresh.ids());
            });
            command.getTransactionContext().addTransactionListener(TransactionState.ROLLED_BACK, ctx -> end(fresh));
            p = fresh;
        }
        p.ids().add(domainInstanceId);
    }

    private void end(Pending p) {
        if (pending.get() == p) pending.remove();
    }

    private void publish(Set<String> ids) {
        Consumer<String> l = listener;
        if (l == null) return;
        for (String id : ids) {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                LOG.debug("The change of instance {} was not passed on: {}", id, e.toString());
            }
        }
    }
}
