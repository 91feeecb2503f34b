import { Module } from '@nestjs/common';
import { DashboardDataModule } from '@forewarn/database';
import { WebModule } from '../web/web.module';
import { AccountAccess } from './account-access';
import { ApiAuthGuard, Authenticator, PageAuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginController } from './login.controller';
import { MeController } from './me.controller';
import { PasswordApiController, PasswordPageController } from './password.controller';
import { SignInThrottle } from './sign-in-throttle';
import { AccountMailer } from './account-mail';
import { AdminOnlyOrNotFound } from './admin-only.guard';
import { SignInLinkController } from './sign-in-link.controller';
import { SignInLinks } from './sign-in-link.service';

/**
 * Who is asking and what they may see: sign-in and sign-out, sessions and API tokens, password
 * changes, the guards every feature's routes use, and which accounts a user may see.
 */
@Module({
  imports: [DashboardDataModule, WebModule],
  controllers: [LoginController, SignInLinkController, MeController, PasswordPageController, PasswordApiController],
  providers: [AuthService, SignInThrottle, Authenticator, ApiAuthGuard, PageAuthGuard, AccountAccess, AccountMailer, SignInLinks, AdminOnlyOrNotFound],
  exports: [Authenticator, ApiAuthGuard, PageAuthGuard, AccountAccess, SignInLinks, AdminOnlyOrNotFound],
})
export class AuthModule {}
