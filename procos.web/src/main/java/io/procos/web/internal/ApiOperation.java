package io.procos.web.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One operation a servlet serves, written on the servlet beside the code that serves it: {@link OpenApi}
 * builds {@code /api/openapi.json} from the operations of the servlets that are registered, so the
 * description cannot list a route nobody serves, and a servlet without them is found by
 * {@code OpenApiTest}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ApiOperation.All.class)
@interface ApiOperation {

    /** GET, POST, PUT or DELETE. */
    String method();

    /** The path, with {@code {name}} for a path parameter (a single segment). */
    String path();

    String summary();

    /** The group it is listed under. */
    String tag();

    /** Query parameters, each {@code "name:type:description"} with type string, integer or boolean. */
    String[] query() default {};

    /** The request body's media type; empty: no body. */
    String requestType() default "";

    /** The request body's schema, a name of {@link OpenApi#schemas()}; empty: any value of its type. */
    String requestSchema() default "";

    /** The most bytes the body may have, one of {@link Limits}; 0 when there is no body. */
    int maxBytes() default 0;

    /** The status of a success. */
    int status() default 200;

    /** The media type of a success; empty: no body. */
    String responseType() default "application/json";

    /** A success's schema, a name of {@link OpenApi#schemas()}; empty: any JSON. */
    String responseSchema() default "";

    /** The error statuses it answers besides 401 (every route) and 413 (every route with a body). */
    int[] errors() default {};

    /** The shape of its errors: {@code Error} (ProcOS's) or {@code CamundaError} (for Camunda's clients). */
    String errorSchema() default "Error";

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface All {
        ApiOperation[] value();
    }
}
