import { createBrowserRouter } from 'react-router';
import { GuestOnly } from './auth/GuestOnly';
import { RequireAuth } from './auth/RequireAuth';
import { PublicLayout } from './components/PublicLayout';
import { RouteErrorPage } from './components/RouteErrorPage';
import { LoadingScreen } from './components/StatusScreens';

/*
 * Every page and the signed-in shell are separate chunks (route `lazy`), so a
 * signed-out visitor downloads only the router, the guards and the login page.
 * The router fetches a route's chunk in parallel with the session check.
 */
export const router = createBrowserRouter([
  {
    errorElement: <RouteErrorPage />,
    HydrateFallback: LoadingScreen,
    children: [
      {
        Component: PublicLayout,
        children: [
          {
            Component: GuestOnly,
            children: [
              {
                path: 'login',
                lazy: async () => ({ Component: (await import('./pages/LoginPage')).LoginPage }),
              },
              {
                path: 'register',
                lazy: async () => ({
                  Component: (await import('./pages/RegisterPage')).RegisterPage,
                }),
              },
              {
                path: 'forgot-password',
                lazy: async () => ({
                  Component: (await import('./pages/ForgotPasswordPage')).ForgotPasswordPage,
                }),
              },
            ],
          },
          {
            // Not guest-only: whoever holds a reset link may use it, signed in or not.
            path: 'reset-password',
            lazy: async () => ({
              Component: (await import('./pages/ResetPasswordPage')).ResetPasswordPage,
            }),
          },
          {
            path: '*',
            lazy: async () => ({ Component: (await import('./pages/NotFoundPage')).NotFoundPage }),
          },
        ],
      },
      {
        Component: RequireAuth,
        children: [
          {
            lazy: async () => ({ Component: (await import('./components/AppShell')).AppShell }),
            children: [
              {
                index: true,
                lazy: async () => ({
                  Component: (await import('./pages/GeneratePage')).GeneratePage,
                }),
              },
              {
                path: 'explain',
                lazy: async () => ({ Component: (await import('./pages/ExplainPage')).ExplainPage }),
              },
              {
                path: 'compare',
                lazy: async () => ({ Component: (await import('./pages/ComparePage')).ComparePage }),
              },
              {
                path: 'history',
                lazy: async () => ({ Component: (await import('./pages/HistoryPage')).HistoryPage }),
              },
              {
                path: 'history/threads/:id',
                lazy: async () => ({ Component: (await import('./pages/ThreadPage')).ThreadPage }),
              },
              {
                path: 'history/:id',
                lazy: async () => ({
                  Component: (await import('./pages/HistoryItemPage')).HistoryItemPage,
                }),
              },
              {
                path: 'profile',
                lazy: async () => ({ Component: (await import('./pages/ProfilePage')).ProfilePage }),
              },
              {
                // Administrators only: the page answers "not found" to anyone else.
                path: 'admin',
                lazy: async () => ({ Component: (await import('./pages/AdminPage')).AdminPage }),
              },
            ],
          },
        ],
      },
    ],
  },
]);
