package io.crm.web;

import io.crm.security.SignInProperties;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page: the password form (Spring Security's form login handles the POST, with its CSRF token) as
 * CRM_LOCAL_LOGIN allows, and "Sign in with ..." when a single sign-on provider is configured.
 */
@Controller
public class LoginController {

    private final SignInProperties signIn;

    public LoginController(SignInProperties signIn) {
        this.signIn = signIn;
    }

    @GetMapping("/login")
    public String login(Model model) {
        model.addAttribute("ssoProvider", signIn.ssoProviderName());
        model.addAttribute("localLogin", signIn.localLogin() != SignInProperties.LocalLogin.DISABLED);
        model.addAttribute("adminsOnly", signIn.localLogin() == SignInProperties.LocalLogin.ADMINS_ONLY);
        return "login";
    }
}
