package io.crm.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The CSV import page. The page's script (js/import.js) drives the import API (/api/v1/imports: preview, start,
 * progress), the same endpoints API clients use, so the UI adds no second import path.
 */
@Controller
public class ImportPage {

    @GetMapping("/import")
    public String importPage() {
        return "import";
    }
}
