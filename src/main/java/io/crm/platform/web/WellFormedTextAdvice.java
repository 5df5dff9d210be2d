package io.crm.platform.web;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.record.Text;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/** Refuses a JSON body with a lone surrogate in any key or string (see {@link Text#isWellFormed}) with a 400. */
@ControllerAdvice
public class WellFormedTextAdvice extends RequestBodyAdviceAdapter {

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
        if (value instanceof String s && !Text.isWellFormed(s)) {
            throw new RecordException.Invalid(path.isEmpty() ? "body" : path, "must be valid Unicode text");
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                String at = path.isEmpty() ? key : path + "." + key;
                if (!Text.isWellFormed(key)) {
                    throw new RecordException.Invalid(path.isEmpty() ? "body" : path, "keys must be valid Unicode text");
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
