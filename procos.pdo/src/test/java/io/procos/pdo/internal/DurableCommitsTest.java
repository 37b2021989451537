package io.procos.pdo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.apache.ibatis.datasource.unpooled.UnpooledDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real H2 file, closed the way a crash leaves it ({@code SHUTDOWN IMMEDIATELY} writes nothing more): what was
 * committed through {@link DurableCommits} is there when it opens again, while H2 on its own, with its background
 * writer running, loses it.
 */
class DurableCommitsTest {

    @TempDir
    Path dir;

    /** A long write delay: the background writer stores nothing while the test runs, only commits do. */
    private String url(String name) {
        return "jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=60000";
    }

    private static void commitRow(DataSource source) throws SQLException {
        try (Connection c = source.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TABLE IF NOT EXISTS T(ID INT PRIMARY KEY)");
            c.commit();
            s.execute("INSERT INTO T VALUES (1)");
            c.commit();
            s.execute("SHUTDOWN IMMEDIATELY");
        }
    }

    private int rowsAfterReopening(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'T'")) {
            r.next();
            if (r.getInt(1) == 0) return 0;
            try (ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM T")) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @Test
    void aCommitSurvivesACrashRightAfterIt() throws Exception {
        String url = url("durable");
        commitRow(DurableCommits.around(new UnpooledDataSource("org.h2.Driver", url, "sa", "")));
        assertThat(rowsAfterReopening(url))
                .as("rows committed before the crash")
                .isEqualTo(1);
    }

    @Test
    void withoutItTheBackgroundWriterLosesTheCommit() throws Exception {
        // the control: shows the crash above is one that loses unstored commits
        String url = url("plain");
        commitRow(new UnpooledDataSource("org.h2.Driver", url, "sa", ""));
        assertThat(rowsAfterReopening(url))
                .as("rows committed before the crash")
                .isZero();
    }

    @Test
    void aUserWhoMayNotStoreTheFileIsRefusedAtOnceWithTheReason() throws Exception {
        String url = url("users");
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE USER CLERK PASSWORD 'clerk'");
        }
        assertThatThrownBy(() -> DurableCommits.around(new UnpooledDataSource("org.h2.Driver", url, "CLERK", "clerk")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("CHECKPOINT failed")
                .hasMessageContaining("administrator");
    }
}
