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

    /** What the body is (a record of {@link Dto}, or procos.api's); Void: any value of its media type. */
    Class<?> request() default Void.class;

    /** The most bytes the body may have, one of {@link Limits}; 0 when there is no body. */
    int maxBytes() default 0;

    /** The status of a success. */
    int status() default 200;

    /** The media type of a success; empty: no body. */
    String responseType() default "application/json";

    /** What a success is (a record, or an array of records); Void: any value of its media type. */
    Class<?> response() default Void.class;

    /** The error statuses it answers besides 401 (every route) and 413 (every route with a body). */
    int[] errors() default {};

    /** The shape of its errors: ProcOS's ({@link Dto.Error}) or Camunda's, for Camunda's clients. */
    Class<?> error() default Dto.Error.class;

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface All {
        ApiOperation[] value();
    }
}
