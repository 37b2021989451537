package io.procos.pdo.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The embedded H2 file's commits made durable one by one, with H2's own background writer left running.
 *
 * <p>H2 either stores its file at every commit ({@code WRITE_DELAY=0}), in which case it starts no background
 * writer and never rewrites or frees old chunks, so the file grows by hundreds of kilobytes per task without bound;
 * or it runs its writer, which frees and compacts chunks but stores commits only every {@code WRITE_DELAY} ms, so a
 * {@code kill -9} loses what was acknowledged in the meantime. This data source keeps the writer and, after every
 * JDBC commit, has H2 store what is committed ({@code CHECKPOINT}, a synchronous store of the file) before the
 * commit returns: what ProcOS acknowledged survives a crash, and the file stays near the size of its data.
 */
final class DurableCommits implements DataSource {

    private final DataSource target;

    private DurableCommits(DataSource target) {
        this.target = target;
    }

    /**
     * Wraps {@code target}, an H2 file database's pool; fails now, with what is wrong, if its user may not
     * {@code CHECKPOINT} (H2 lets only an administrator).
     */
    static DataSource around(DataSource target) throws SQLException {
        try (Connection c = target.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new SQLException(
                    "the engine's H2 database cannot store its commits on demand (CHECKPOINT failed: " + e.getMessage()
                            + "); its user must be the database's administrator",
                    e);
        }
        return new DurableCommits(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return durable(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return durable(target.getConnection(username, password));
    }

    private static Connection durable(Connection connection) {
        return (Connection) Proxy.newProxyInstance(
                DurableCommits.class.getClassLoader(), new Class<?>[] {Connection.class}, new Handler(connection));
    }

    private static final class Handler implements InvocationHandler {
        private final Connection connection;
        private Statement checkpoint;

        Handler(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("unwrap") && args[0] == Connection.class) return proxy;
            if (name.equals("isWrapperFor") && args[0] == Connection.class) return true;
            if (name.equals("equals")) return proxy == args[0];
            if (name.equals("hashCode")) return System.identityHashCode(proxy);
            if (name.equals("close") && checkpoint != null) {
                try {
                    checkpoint.close();
                } catch (SQLException ignored) {
                    // the connection goes back to its pool whatever the statement's close says
                }
                checkpoint = null;
            }
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (name.equals("commit")) store();
            return result;
        }

        /** The commit is in H2's memory; have H2 write it to the file before the commit returns. */
        private void store() throws SQLException {
            if (checkpoint == null) checkpoint = connection.createStatement();
            checkpoint.execute("CHECKPOINT");
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) return type.cast(this);
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target.isWrapperFor(type);
    }
}
