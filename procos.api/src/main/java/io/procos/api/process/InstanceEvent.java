package io.procos.api.process;

/**
 * The EventAdmin event that a domain process instance changed, on topic {@value #TOPIC}, posted once its
 * engine transaction committed: a task became ready, was taken up, ended or failed, or the instance ended. It
 * carries only the instance's id ({@value #INSTANCE_ID}); {@link ProcessService#instance} says what it is now.
 * Posted asynchronously and at most once per transaction and instance: a listener that must not miss a state
 * reads the instance, it does not count events.
 */
public final class InstanceEvent {

    public static final String TOPIC = "io/procos/process/CHANGED";
    public static final String INSTANCE_ID = "instanceId";

    private InstanceEvent() {}
}
