package io.crm.platform.web;

import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.record.Text;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Refuses, with a 400, a JSON body whose values the store would not keep as sent: a lone surrogate in any key or
 * string (see {@link Text#isWellFormed}), an integer beyond 64 bits (BSON has no wider integer; the driver cannot
 * encode it) or a number beyond a double's range (the parser makes it Infinity, which is not what was sent).
 */
@ControllerAdvice
public class WellFormedBodyAdvice extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage input, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        check(body, "");
        return body;
    }

    private static void check(Object value, String path) {
        String field = path.isEmpty() ? "body" : path;
        if (value instanceof String s && !Text.isWellFormed(s)) {
            throw new RecordException.Invalid(field, "must be valid Unicode text");
        }
        if (value instanceof BigInteger big && big.bitLength() > 63) {
            throw new RecordException.Invalid(field, "is too large (64-bit integers at most)");
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            throw new RecordException.Invalid(field, "is out of range (beyond a 64-bit floating point number)");
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                String at = path.isEmpty() ? key : path + "." + key;
                if (!Text.isWellFormed(key)) {
                    throw new RecordException.Invalid(field, "keys must be valid Unicode text");
                }
                check(v, at);
            });
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                check(list.get(i), path + "[" + i + "]");
            }
        }
    }
}
