package io.procos.tools.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** What the component registers: each tool with the reach the tool policy matches it by. */
class FileToolsComponentTest {

    @TempDir
    Path home;

    @Test
    void eachToolDeclaresItsReach() throws Exception {
        // given a bundle context that only records what is registered
        Map<String, Object> reachByTool = new LinkedHashMap<>();
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> "procos.home".equals(args[0]) ? home.toString() : null;
                    case "registerService" -> {
                        reachByTool.put(((Tool) args[1]).name(), ((Dictionary<?, ?>) args[2]).get(ToolReach.PROPERTY));
                        yield Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (r, m, a) -> null);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        // when
        new FileToolsComponent(context, new SmallLimits());

        // then
        reachByTool.forEach((tool, reach) -> System.out.println(tool + " registered with " + ToolReach.PROPERTY + "="
                + String.join(",", (String[]) reach)));
        assertThat(reachByTool).containsOnlyKeys("file.read", "file.write", "file.list");
        assertThat((String[]) reachByTool.get("file.read")).containsExactly(ToolReach.READS_WORKSPACE);
        assertThat((String[]) reachByTool.get("file.write")).containsExactly(ToolReach.WRITES_WORKSPACE);
        assertThat((String[]) reachByTool.get("file.list")).containsExactly(ToolReach.READS_WORKSPACE);
    }

    /** A configuration as DS would give it. */
    private static final class SmallLimits implements FileToolsConfiguration {
        public Class<? extends Annotation> annotationType() { return FileToolsConfiguration.class; }
        public String root() { return "data/workspace"; }
        public long maxReadBytes() { return 1024; }
        public long maxWriteBytes() { return 1024; }
        public int maxListEntries() { return 100; }
    }
}
