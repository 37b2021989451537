package io.procos.web.internal;

import java.nio.file.Path;
import org.osgi.framework.BundleContext;

/** Where the running distribution lives: the kernel publishes it as the framework property {@code procos.home}. */
final class Home {

    private Home() {}

    static Path of(BundleContext context) {
        String home = context.getProperty("procos.home");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }
}
