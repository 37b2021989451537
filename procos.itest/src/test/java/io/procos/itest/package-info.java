/** OSGi integration tests, run inside Felix by the bnd-testing-maven-plugin. */
package io.procos.itest;
