package io.procos.pdo.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the embedded engine, PID {@value #PID} (a file conf/io.procos.pdo.engine.cfg). */
@ObjectClassDefinition(name = "ProcOS engine", description = "The embedded Camunda 7 engine and the orchestrator loop.")
public @interface EngineConfiguration {

    String PID = "io.procos.pdo.engine";

    @AttributeDefinition(
            name = "JDBC URL",
            description = "Engine database. Empty: an H2 file under data/engine. "
                    + "For PostgreSQL: jdbc:postgresql://host:5432/procos (several ProcOS nodes may share it).")
    String jdbcUrl() default "";

    @AttributeDefinition(name = "JDBC user", description = "Database user.")
    String jdbcUser() default "sa";

    @AttributeDefinition(
            name = "JDBC password",
            description = "Database password (empty for the embedded H2 file, " + "which no network can reach).",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String jdbcPassword() default "";

    @AttributeDefinition(name = "Pool size", description = "Largest number of open database connections.")
    int maxConnections() default 10;

    @AttributeDefinition(name = "History level", description = "none, activity, audit or full.")
    String historyLevel() default "audit";

    @AttributeDefinition(
            name = "EmbeddedEngine step history",
            description = "Also keep the history of every step of the "
                    + "orchestrator's own processes (PDO and TDE). Off: of each TDE run only its outcome is kept, which is what "
                    + "/api/instances shows; domain processes always keep history at the level above.")
    boolean orchestratorStepHistory() default false;

    @AttributeDefinition(
            name = "History cleanup window",
            description =
                    "Daily time, HH:mm-HH:mm on this machine's clock, "
                            + "in which the history of instances that ended longer ago than their process's time to live is removed "
                            + "(camunda:historyTimeToLive in the BPMN; 180 days where it says nothing). Empty: history is never removed.")
    String historyCleanupWindow() default EngineSettings.DEFAULT_CLEANUP_WINDOW;

    @AttributeDefinition(
            name = "Default tool policy",
            description = "What the tasks of a process may use when its BPMN "
                    + "names nothing (the process property procos.tools): tool names such as file.write, patterns such as file.*, "
                    + "and reach words (reads-workspace, writes-workspace, runs-code, network, memory; a tool is allowed when all "
                    + "it reaches is listed), or * for every tool. Tools that reach nothing are always allowed.")
    String defaultToolPolicy() default io.procos.api.tool.ToolPolicy.DEFAULT_SPEC;

    @AttributeDefinition(
            name = "Job executor threads",
            description = "How many engine jobs (deciding a task, the orchestrators' steps) run at the same time."
                    + " Each holds a database connection while it runs: maxConnections must exceed it by 2.")
    int jobExecutorThreads() default 8;

    @AttributeDefinition(
            name = "Tool call threads",
            description = "How many tool calls run at the same time on this node; more wait in the database."
                    + " A running tool holds no database connection.")
    int toolCallThreads() default 8;

    @AttributeDefinition(
            name = "Tool call lock (s)",
            description = "A running tool call's lock, renewed every third of it while the tool runs: another node"
                    + " takes over the calls of a node that died after this long.")
    long toolLockSeconds() default 30;

    @AttributeDefinition(
            name = "Job lock (s)",
            description = "How long a job stays locked to this node: another node takes over the jobs of a node"
                    + " that died after this long.")
    long jobLockSeconds() default 60;

    @AttributeDefinition(
            name = "Node id",
            description = "This node's id, unique among the nodes on one database; empty: generated once into"
                    + " data/node-id.")
    String nodeId() default "";

    @AttributeDefinition(
            name = "Attempts per task",
            description = "A failing task is tried this often, then becomes an incident.")
    int maxTaskAttempts() default 3;

    @AttributeDefinition(
            name = "Retry backoff (ms)",
            description = "Wait before the second attempt; doubles each time.")
    long retryBackoffMillis() default 2000;

    @AttributeDefinition(
            name = "Safety net (s)",
            description = "An idle orchestrator looks for ready tasks at least this often, "
                    + "in case a notification was missed.")
    long safetyNetSeconds() default 30;
}
