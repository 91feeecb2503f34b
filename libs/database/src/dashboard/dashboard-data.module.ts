import { Module } from '@nestjs/common';
import { FeedbackClaimsRepository } from './feedback-claims.repository';
import { SessionsRepository } from './sessions.repository';
import { SignInLinksRepository } from './sign-in-links.repository';
import { SignInFailuresRepository } from './sign-in-failures.repository';
import { UsersRepository } from './users.repository';

const REPOSITORIES = [UsersRepository, SessionsRepository, SignInFailuresRepository, FeedbackClaimsRepository, SignInLinksRepository];

/**
 * The dashboard's own tables (`dashboard.*`): users, sessions, sign-in links, sign-in failures and the feedback it
 * published once. For the dashboard and the CLI's user commands; needs `DatabaseModule.forRoot`.
 */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class DashboardDataModule {}
