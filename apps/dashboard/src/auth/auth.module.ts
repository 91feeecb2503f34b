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

/**
 * Who is asking and what they may see: sign-in and sign-out, sessions and API tokens, password
 * changes, the guards every feature's routes use, and which accounts a user may see.
 */
@Module({
  imports: [DashboardDataModule, WebModule],
  controllers: [LoginController, MeController, PasswordPageController, PasswordApiController],
  providers: [AuthService, SignInThrottle, Authenticator, ApiAuthGuard, PageAuthGuard, AccountAccess],
  exports: [Authenticator, ApiAuthGuard, PageAuthGuard, AccountAccess],
})
export class AuthModule {}
