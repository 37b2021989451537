/** Health reporting: parts of ProcOS say whether they can do their job right now. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.procos.api.health;
