package io.procos.pdo.internal;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 engine file about the size of what it holds.
 *
 * <p>ProcOS writes every commit out before answering ({@code WRITE_DELAY=0}). In that mode H2 starts no background
 * writer, and its background writer is also what rewrites chunks of mostly dead pages and frees their space: without
 * it every commit left a chunk behind, and the file grew by about 430 KB per task of the soak (4.3 GB for 10,000
 * tasks whose history takes 20 MB), the store's map of chunks with it on the heap. This runs the writer's
 * housekeeping on the same schedule H2 would (every 10 ms, idle rounds return at once), without its delayed commits.
 *
 * <p>Only for an embedded H2 file whose writes are synchronous; with a write delay, H2's own writer does this.
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    static final long PERIOD_MILLIS = 10;
    /** Where H2's own round cannot be reached: rewrite chunks below this share of live data, 4 MB at a time. */
    private static final int TARGET_FILL_RATE = 90;

    private static final int REWRITE_BYTES = 4 << 20;

    private final MVStore store;
    private final Method doHousekeeping;
    private final ScheduledExecutorService timer;

    private H2Housekeeping(MVStore store) {
        this.store = store;
        this.doHousekeeping = housekeepingOf();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procos-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Housekeeping for the engine's database, or null where H2 does its own or it is no embedded H2 file. */
    static H2Housekeeping startFor(String jdbcUrl, DataSource dataSource) {
        if (!jdbcUrl.startsWith("jdbc:h2:file:")) return null;
        try (Connection c = dataSource.getConnection()) {
            if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) return null;
            MVStore store = session.getDatabase().getStore().getMvStore();
            if (store.getAutoCommitDelay() > 0 || store.getFileStore() == null) return null;
            return new H2Housekeeping(store);
        } catch (Exception | LinkageError e) {
            LOG.warn("No housekeeping of the engine's H2 file (it grows until the next start): {}", e.toString());
            return null;
        }
    }

    /**
     * The round of H2's background writer (FileStore.doHousekeeping, not public in H2 2.3): it rewrites chunks of
     * mostly dead pages at a rate derived from the store's fill, frees dead chunks and moves chunks to shrink the
     * file. Where it cannot be reached, {@link MVStore#compact} does the rewriting alone.
     */
    private static Method housekeepingOf() {
        try {
            Method m = FileStore.class.getDeclaredMethod("doHousekeeping", MVStore.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info(
                    "H2's housekeeping round cannot be reached ({}); rewriting chunks with MVStore.compact",
                    e.toString());
            return null;
        }
    }

    void round() {
        try {
            if (store.isClosed()) return;
            if (doHousekeeping != null) {
                doHousekeeping.invoke(store.getFileStore(), store);
            } else {
                store.compact(TARGET_FILL_RATE, REWRITE_BYTES);
                store.getFileStore().dropUnusedChunks();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a store closing under a round: the engine is stopping, and the round is not needed any more
            LOG.debug("H2 housekeeping round: {}", e.toString());
        }
    }

    long fileSize() {
        return store.getFileStore().size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
