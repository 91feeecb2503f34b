import { DashboardDataModule, DatabaseModule, type User, type UserUpsert, UsersRepository } from '@forewarn/database';
import { Test } from '@nestjs/testing';
import { TestKitModule } from './integration';

/** Adds or updates dashboard users in a test's database, as the CLI does: with the users repository from Nest's DI. */
export interface DashboardUsers {
  upsert(user: User, password?: string): Promise<UserUpsert>;
  close(): Promise<void>;
}

export async function dashboardUsers(url: string): Promise<DashboardUsers> {
  const app = await Test.createTestingModule({
    imports: [TestKitModule, DatabaseModule.forRoot({ url, applicationName: 'forewarn-test-users', poolSize: 2 }), DashboardDataModule],
  }).compile();
  await app.init();
  const users = app.get(UsersRepository);
  return {
    upsert: (user, password) => users.upsert(user, password),
    close: () => app.close(),
  };
}
