import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { CLIENT_SCRIPT } from './client-script';

@Controller()
export class AssetsController {
  @Get('assets/dashboard.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  script(): string {
    return CLIENT_SCRIPT;
  }

  /** Browsers ask for it on every page; the brand is in the header. */
  @Get('favicon.ico')
  @HttpCode(204)
  favicon(): void {}
}
